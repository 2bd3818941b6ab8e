package io.meshchain.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordLogTest {

    @TempDir
    Path dir;

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> texts(RecordLog.Opened opened) {
        return opened.records().stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    private Path logWith(String... records) throws IOException {
        Path file = dir.resolve("test.log");
        try (RecordLog log = RecordLog.open(file, true).log()) {
            long end = 0;
            for (String record : records) {
                end = log.append(bytes(record));
            }
            log.sync(end);
        }
        return file;
    }

    @Test
    void recordsWrittenAreReadBackInOrder() throws IOException {
        Path file = logWith("first", "second", "", "fourth");
        RecordLog.Opened reopened = RecordLog.open(file, true);
        try (RecordLog log = reopened.log()) {
            assertThat(texts(reopened)).containsExactly("first", "second", "", "fourth");
            assertThat(reopened.droppedBytes()).isZero();
        }
    }

    @Test
    void appendsAfterReopeningFollowTheOldRecords() throws IOException {
        Path file = logWith("a");
        try (RecordLog log = RecordLog.open(file, true).log()) {
            log.sync(log.append(bytes("b")));
        }
        assertThat(texts(RecordLog.open(file, true))).containsExactly("a", "b");
    }

    @Test
    void aReplacementCarriesOverExactlyTheRecordsAppendedAfterItsMarkWrittenOrQueued() throws IOException {
        Path file = logWith("old");
        try (RecordLog log = RecordLog.open(file, true).log()) {
            log.append(bytes("queued before the mark"));
            long mark = log.end();
            log.sync(log.append(bytes("written after the mark")));
            log.append(bytes("queued after the mark"));

            RecordLog.Replacement replacement = RecordLog.prepare(file, List.of(bytes("snapshot")), true, FileChannel::open);
            replacement.commit(log.recordsAfter(mark)).close();
        }
        assertThat(texts(RecordLog.open(file, true)))
                .containsExactly("snapshot", "written after the mark", "queued after the mark");
    }

    @Test
    void aMarkBeforeRecordsStillQueuedTakesNoneOfThem() throws IOException {
        Path file = logWith("old");
        try (RecordLog log = RecordLog.open(file, true).log()) {
            log.append(bytes("queued before the mark"));
            long mark = log.end();
            log.append(bytes("queued after the mark"));

            assertThat(log.recordsAfter(mark)).hasSize(1);
            RecordLog.Replacement replacement = RecordLog.prepare(file, List.of(bytes("snapshot")), true, FileChannel::open);
            replacement.commit(log.recordsAfter(mark)).close();
        }
        assertThat(texts(RecordLog.open(file, true))).containsExactly("snapshot", "queued after the mark");
    }

    @Test
    void missingFileStartsAnEmptyLog() throws IOException {
        Path file = dir.resolve("absent.log");
        RecordLog.Opened opened = RecordLog.open(file, true);
        opened.log().close();
        assertThat(opened.records()).isEmpty();
        assertThat(Files.readAllBytes(file)).isEqualTo(RecordLog.MAGIC);
    }

    @Test
    void emptyFileStartsAnEmptyLog() throws IOException {
        Path file = Files.createFile(dir.resolve("empty.log"));
        RecordLog.Opened opened = RecordLog.open(file, true);
        try (RecordLog log = opened.log()) {
            assertThat(opened.records()).isEmpty();
            log.sync(log.append(bytes("x")));
        }
        assertThat(texts(RecordLog.open(file, true))).containsExactly("x");
    }

    @Test
    void tornTailIsCutAtEveryByteOfTheLastRecord() throws IOException {
        Path full = logWith("kept one", "kept two", "the last record");
        byte[] content = Files.readAllBytes(full);
        int lastRecordStart = content.length - RecordLog.RECORD_HEADER_BYTES - "the last record".length();
        for (int cut = lastRecordStart; cut < content.length; cut++) {
            Path torn = dir.resolve("torn-" + cut + ".log");
            Files.write(torn, Arrays.copyOf(content, cut));

            RecordLog.Opened opened = RecordLog.open(torn, true);
            opened.log().close();

            assertThat(texts(opened)).as("cut at %d", cut).containsExactly("kept one", "kept two");
            // A torn part that is all zeros cannot be told from space grown ahead, and is as harmless.
            boolean onlyZeros = IntStream.range(lastRecordStart, cut).allMatch(i -> content[i] == 0);
            assertThat(opened.droppedBytes()).as("cut at %d", cut).isEqualTo(onlyZeros ? 0 : cut - lastRecordStart);
            assertThat(Files.size(torn)).as("cut at %d", cut).isEqualTo(lastRecordStart);
        }
    }

    @Test
    void zerosGrownAheadOfTheRecordsAreNotDamage() throws IOException {
        Path file = dir.resolve("grown.log");
        long recordsEnd;
        try (RecordLog log = RecordLog.open(file, true).log()) {
            log.sync(log.append(bytes("before the crash")));
            recordsEnd = log.end();
            assertThat(Files.size(file)).as("grown ahead while open").isGreaterThan(recordsEnd);
        }
        assertThat(Files.size(file)).as("a log closed cleanly ends at its last record").isEqualTo(recordsEnd);
        // A node killed while the log was open leaves the zeros grown ahead behind.
        Files.write(file, new byte[RecordLog.PREALLOCATE_BYTES], StandardOpenOption.APPEND);

        RecordLog.Opened reopened = RecordLog.open(file, true);
        assertThat(texts(reopened)).containsExactly("before the crash");
        assertThat(reopened.droppedBytes()).isZero();
        try (RecordLog log = reopened.log()) {
            log.sync(log.append(bytes("after the restart")));
        }
        assertThat(texts(RecordLog.open(file, true))).containsExactly("before the crash", "after the restart");
    }

    @Test
    void recordsLargerThanTheGrowthStepAreWrittenWhole() throws IOException {
        Path file = dir.resolve("large.log");
        byte[] large = new byte[RecordLog.PREALLOCATE_BYTES * 3 / 2];
        Arrays.fill(large, (byte) 7);
        try (RecordLog log = RecordLog.open(file, true).log()) {
            log.sync(log.append(large));
            log.sync(log.append(bytes("small")));
            log.sync(log.append(large));
        }
        List<byte[]> records = RecordLog.open(file, true).records();
        assertThat(records).hasSize(3);
        assertThat(records.get(0)).isEqualTo(large);
        assertThat(records.get(1)).isEqualTo(bytes("small"));
        assertThat(records.get(2)).isEqualTo(large);
    }

    @Test
    void tornHeaderOfANewFileStartsAfresh() throws IOException {
        Path file = Files.write(dir.resolve("header.log"), Arrays.copyOf(RecordLog.MAGIC, 3));
        RecordLog.Opened opened = RecordLog.open(file, true);
        opened.log().close();
        assertThat(opened.records()).isEmpty();
        assertThat(Files.readAllBytes(file)).isEqualTo(RecordLog.MAGIC);
    }

    @Test
    void flippedByteFailsTheChecksumAndEverythingFromThereIsDropped() throws IOException {
        Path file = logWith("good", "flipped", "after");
        byte[] content = Files.readAllBytes(file);
        int flippedAt = RecordLog.MAGIC.length + RecordLog.RECORD_HEADER_BYTES + "good".length()
                + RecordLog.RECORD_HEADER_BYTES + 2;
        content[flippedAt] ^= 0x01;
        Files.write(file, content);

        RecordLog.Opened opened = RecordLog.open(file, true);
        opened.log().close();

        assertThat(texts(opened)).containsExactly("good");
        assertThat(opened.droppedBytes()).isPositive();
    }

    @Test
    void corruptLengthIsTreatedAsATornTail() throws IOException {
        Path file = logWith("good", "bad length");
        byte[] content = Files.readAllBytes(file);
        int lengthAt = RecordLog.MAGIC.length + RecordLog.RECORD_HEADER_BYTES + "good".length();
        content[lengthAt] = (byte) 0x7f;
        Files.write(file, content);

        assertThat(texts(RecordLog.open(file, true))).containsExactly("good");
    }

    @Test
    void fileThatIsNotALogIsRefusedAndLeftAlone() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.txt"), "these are somebody's notes");
        assertThatThrownBy(() -> RecordLog.open(file, true)).isInstanceOf(IOException.class)
                .hasMessageContaining("not a meshchain log");
        assertThat(Files.readString(file)).isEqualTo("these are somebody's notes");
    }

    @Test
    void failedWriteLeavesNoPartialRecordBehindAndIsWrittenAgainByTheNextSync() throws IOException {
        Path file = dir.resolve("full.log");
        FailingChannel.Switch disk = new FailingChannel.Switch();
        try (RecordLog log = RecordLog.open(file, true, (path, options) -> new FailingChannel(
                FileChannel.open(path, options), disk)).log()) {
            log.sync(log.append(bytes("acknowledged")));
            disk.failAfterBytes(5);
            long refused = log.append(bytes("this record does not fit"));
            assertThatThrownBy(() -> log.sync(refused)).isInstanceOf(IOException.class);
            assertThat(texts(RecordLog.open(file, false))).as("after the failure").containsExactly("acknowledged");
            disk.heal();
            log.sync(log.append(bytes("after the disk had room again")));
        }
        // The refused record is still in the node's memory; it is written again, in its place.
        assertThat(texts(RecordLog.open(file, true))).containsExactly("acknowledged", "this record does not fit",
                "after the disk had room again");
    }

    @Test
    void appendAndSyncForgetsARecordItCouldNotWrite() throws IOException {
        Path file = dir.resolve("blocks.log");
        FailingChannel.Switch disk = new FailingChannel.Switch();
        try (RecordLog log = RecordLog.open(file, true, (path, options) -> new FailingChannel(
                FileChannel.open(path, options), disk)).log()) {
            log.appendAndSync(bytes("block 1"));
            disk.failAfterBytes(5);
            assertThatThrownBy(() -> log.appendAndSync(bytes("block 2, refused"))).isInstanceOf(IOException.class);
            disk.heal();
            log.appendAndSync(bytes("block 2"));
        }
        assertThat(texts(RecordLog.open(file, true))).containsExactly("block 1", "block 2");
    }

    @Test
    void recordsAppendedDuringAFlushShareTheNextWriteAndForce() throws Exception {
        Path file = dir.resolve("group.log");
        FailingChannel.Switch disk = new FailingChannel.Switch();
        int waiting = 6;
        ExecutorService pool = Executors.newFixedThreadPool(waiting + 1);
        try (RecordLog log = RecordLog.open(file, true, (path, options) -> new FailingChannel(
                FileChannel.open(path, options), disk)).log()) {
            int forcesBefore = disk.forcesStarted();
            disk.holdForces();
            try {
                Future<?> first = pool.submit(() -> {
                    log.sync(log.append(bytes("first")));
                    return null;
                });
                await().atMost(Duration.ofSeconds(10)).until(() -> disk.forcesStarted() == forcesBefore + 1);
                int writesBefore = disk.writes(); // the first record's, and the zeros grown ahead
                List<Future<?>> others = new ArrayList<>();
                for (int i = 0; i < waiting; i++) {
                    String record = "waited " + i;
                    others.add(pool.submit(() -> {
                        log.sync(log.append(bytes(record)));
                        return null;
                    }));
                }
                long allAppended = RecordLog.MAGIC.length + (long) (waiting + 1) * RecordLog.RECORD_HEADER_BYTES
                        + "first".length() + waiting * "waited 0".length();
                await().atMost(Duration.ofSeconds(10)).until(() -> log.end() == allAppended);
                assertThat(disk.writes() - writesBefore).as("writes while the first force runs").isZero();
                disk.releaseForces();
                first.get(10, TimeUnit.SECONDS);
                for (Future<?> other : others) {
                    other.get(10, TimeUnit.SECONDS);
                }
                assertThat(disk.writes() - writesBefore).as("one write for all the others").isEqualTo(1);
            } finally {
                disk.releaseForces();
            }
            assertThat(disk.forcesStarted() - forcesBefore).as("forces").isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
        assertThat(texts(RecordLog.open(file, true))).hasSize(waiting + 1).startsWith("first");
    }

    @Test
    void closingWritesWhatIsStillQueued() throws IOException {
        Path file = dir.resolve("queued.log");
        try (RecordLog log = RecordLog.open(file, true).log()) {
            log.sync(log.append(bytes("synced")));
            log.append(bytes("appended, not yet synced"));
        }
        assertThat(texts(RecordLog.open(file, true))).containsExactly("synced", "appended, not yet synced");
    }

    @Test
    void concurrentAppendsAreAllDurableAndIntact() throws Exception {
        Path file = dir.resolve("concurrent.log");
        int threads = 8;
        int perThread = 200;
        try (RecordLog log = RecordLog.open(file, true).log()) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        log.sync(log.append(bytes(thread + ":" + i)));
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
            pool.shutdown();
        }
        List<String> records = texts(RecordLog.open(file, true));
        assertThat(records).hasSize(threads * perThread).doesNotHaveDuplicates();
        for (int t = 0; t < threads; t++) {
            String prefix = t + ":";
            assertThat(records.stream().filter(r -> r.startsWith(prefix)).toList())
                    .as("thread %d's records in its order", t)
                    .isEqualTo(IntStream.range(0, perThread).mapToObj(i -> prefix + i).toList());
        }
    }

    @Test
    void openingFromAnOffsetReplaysOnlyTheRecordsFromThere() throws IOException {
        Path file = dir.resolve("tail.log");
        long second;
        try (RecordLog log = RecordLog.open(file, true).log()) {
            long first = log.append(bytes("first"));
            second = first;
            log.append(bytes("second"));
            log.sync(log.append(bytes("third")));
        }
        List<String> seen = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        RecordLog.Opened opened = RecordLog.open(file, true, FileChannel::open, second, (offset, payload) -> {
            seen.add(new String(payload, StandardCharsets.UTF_8));
            offsets.add(offset);
        });
        opened.log().close();
        assertThat(seen).containsExactly("second", "third");
        assertThat(offsets.get(0)).as("where the payload starts").isEqualTo(second + RecordLog.RECORD_HEADER_BYTES);
        assertThatThrownBy(() -> RecordLog.open(file, true, FileChannel::open, Files.size(file) + 1, (o, p) -> { }))
                .isInstanceOf(IOException.class).hasMessageContaining("outside");
    }

    @Test
    void aRecordLargerThanReplayAcceptsIsRefused() throws IOException {
        Path file = dir.resolve("large.log");
        try (RecordLog log = RecordLog.open(file, true).log()) {
            assertThatThrownBy(() -> log.append(new byte[RecordLog.MAX_RECORD_BYTES + 1]))
                    .isInstanceOf(IOException.class).hasMessageContaining("larger than");
            log.sync(log.append(bytes("after it")));
        }
        assertThat(texts(RecordLog.open(file, true))).containsExactly("after it");
    }

    @Test
    void aSyncAfterCloseIsNoAcknowledgementUnlessTheRecordIsOnDisk() throws IOException {
        Path file = dir.resolve("closed.log");
        FailingChannel.Switch disk = new FailingChannel.Switch();
        RecordLog log = RecordLog.open(file, true, (path, options) -> new FailingChannel(
                FileChannel.open(path, options), disk)).log();
        long synced = log.append(bytes("synced"));
        log.sync(synced);
        long queued = log.append(bytes("queued when the disk filled"));
        disk.failNow();
        assertThatThrownBy(log::close).isInstanceOf(IOException.class);

        assertThatThrownBy(() -> log.sync(queued)).isInstanceOf(IOException.class).hasMessageContaining("closed");
        log.sync(synced);
        assertThatThrownBy(() -> log.append(bytes("late"))).isInstanceOf(IOException.class).hasMessageContaining("closed");
    }

    @Test
    void theLastRecordCanBeCutOffAgain() throws IOException {
        Path file = dir.resolve("cut.log");
        try (RecordLog log = RecordLog.open(file, true).log()) {
            log.appendAndSync(bytes("kept"));
            long start = log.end();
            log.appendAndSync(bytes("taken back"));
            log.cutBackTo(start);
            log.appendAndSync(bytes("after"));
        }
        assertThat(texts(RecordLog.open(file, true))).containsExactly("kept", "after");
    }

    @Test
    void withoutFsyncRecordsStillReachTheFile() throws IOException {
        Path file = dir.resolve("nofsync.log");
        RecordLog log = RecordLog.open(file, false).log();
        log.sync(log.append(bytes("written")));
        // Not closed: the process could die here. The bytes are in the file (the OS holds them).
        assertThat(texts(RecordLog.open(file, false))).containsExactly("written");
        log.close();
    }
}
