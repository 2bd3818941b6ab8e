package io.meshchain.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The block explorer in a real browser: headless Chromium from Debian's packages, driven by
 * Playwright ({@code src/test/browser/explorer.cjs}). It submits a transaction through the form,
 * sees it pending and then confirmed, sees a new block pushed by the block stream (and polled when the
 * stream is down), and saves screenshots to {@code target/explorer/}.
 * <p>
 * It needs {@code chromium} and {@code playwright-core} (docs/testing.md). CI installs both and
 * sets {@code CI}, which makes their absence a failure; elsewhere the test is skipped without them.
 */
class ExplorerBrowserIT {

    static final Path SCRIPT = Path.of("src", "test", "browser", "explorer.cjs");
    static final Path SCREENSHOTS = Path.of("target", "explorer");
    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    static final Path TOOLS = Path.of(System.getenv().getOrDefault("MESHCHAIN_BROWSER_TOOLS", "target/browser-tools"));

    @Test
    void transactionSubmittedThroughTheFormIsShownPendingThenConfirmed() throws Exception {
        requireBrowser();
        try (TestNode node = TestNode.reserve("explorer")) {
            node.start(List.of(), "--meshchain.mining.enabled=true", "--meshchain.block.max-wait=500ms");
            node.submit("alice", "already in a block");
            String output = browse(node.url());
            assertThat(output).contains("pending:").contains("confirmed:").contains("signed:").contains("explorer ok");
        }
        assertThat(SCREENSHOTS.resolve("explorer-laptop.png")).isNotEmptyFile();
        assertThat(SCREENSHOTS.resolve("explorer-phone.png")).isNotEmptyFile();
    }

    @Test
    void aNewBlockIsPushedToThePageWithoutReloadAndPolledWhenTheStreamIsDown() throws Exception {
        requireBrowser();
        try (TestNode node = TestNode.reserve("explorer-stream")) {
            node.start(List.of(), "--meshchain.mining.enabled=true", "--meshchain.block.max-wait=500ms");
            String first = node.submit("alice", "a first block to list");
            // The first block is in the chain before the page loads: the page must not see it arrive
            // (through its first load or a poll, not the stream) while it waits for the next one.
            await().atMost(Duration.ofSeconds(30)).until(() -> "confirmed".equals(node.status(first)));
            String output = browse(node.url(), "stream");
            assertThat(output).contains("streamed: block #").contains("polled: block #").contains("stream ok");
        }
    }

    @Test
    void pendingPoolIsShownAPageAtATime() throws Exception {
        requireBrowser();
        try (TestNode node = TestNode.reserve("explorer-pool")) {
            node.start(List.of(), "--meshchain.mining.enabled=false");
            node.submit("alice", "in a block");
            ExternalMiner.mine(node, 0, tx -> true); // a block to list, so the page is fully loaded
            for (int i = 1; i <= 45; i++) {
                node.submit("alice", "waiting " + i);
            }
            String output = browse(node.url(), "pool");
            assertThat(output).contains("pool page: 21–40 of 45 - 20 shown").contains("pool ok");
        }
        assertThat(SCREENSHOTS.resolve("explorer-pool.png")).isNotEmptyFile();
    }

    private static void requireBrowser() throws Exception {
        boolean ready = Files.isExecutable(CHROMIUM) && Files.isDirectory(TOOLS.resolve("node_modules/playwright-core"));
        if (System.getenv("CI") != null) {
            assertThat(ready).as("CI must provide %s and playwright-core in %s", CHROMIUM, TOOLS).isTrue();
        }
        assumeTrue(ready, "needs " + CHROMIUM + " and playwright-core in " + TOOLS + " (docs/testing.md)");
        Files.createDirectories(SCREENSHOTS);
    }

    /** Runs the browser script against the node and returns what it printed; it must succeed. */
    private static String browse(String url, String... mode) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", SCRIPT.toString(), url, SCREENSHOTS.toString()));
        command.addAll(List.of(mode));
        ProcessBuilder run = new ProcessBuilder(command).redirectErrorStream(true);
        run.environment().put("NODE_PATH", TOOLS.resolve("node_modules").toAbsolutePath().toString());
        run.environment().put("CHROMIUM", CHROMIUM.toString());
        Process browser = run.start();
        String output = new String(browser.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(browser.waitFor(120, TimeUnit.SECONDS)).as("the browser run ends").isTrue();
        System.out.println(output);
        assertThat(browser.exitValue()).as(output).isZero();
        return output;
    }
}
