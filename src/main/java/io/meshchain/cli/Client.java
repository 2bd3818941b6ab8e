package io.meshchain.cli;

import io.meshchain.crypto.MerkleTree;
import io.meshchain.crypto.Signatures;
import io.meshchain.ledger.rules.TransactionRules;
import io.meshchain.pow.BlockHeader;
import io.meshchain.pow.Difficulty;
import io.meshchain.pow.Hashes;
import io.meshchain.wire.Paging;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The seed system's client, against a node's HTTP API, without starting Spring:
 * {@code java -jar meshchain.jar client [--node URL] [COMMAND ...]}.
 * <p>
 * Without a command it prompts "Please enter your command" and runs each line until {@code cc}.
 * With one it runs it and exits: 0 on success, 1 when the node is unreachable or refuses, 2 when
 * the command itself is wrong.
 */
public final class Client {

    /** The node the client talks to unless told otherwise. */
    public static final String DEFAULT_NODE = "http://localhost:8080";
    static final String PROMPT = "Please enter your command";
    static final int OK = 0;
    static final int NODE_ERROR = 1;
    static final int USAGE_ERROR = 2;

    static final String USAGE = String.join(System.lineSeparator(),
            "Commands:",
            "  tx <sender> <content...>   submit a transaction (also the seed's form: tx|sender|content);",
            "                             signed when there is a key for the sender (see keygen)",
            "  keygen <name>              make a signing key for a sender name, kept in the keys directory",
            "  whois <name>               the key a sender name belongs to, if any",
            "  prove <id>                 check here that a confirmed transaction is in its block",
            "  pb                         print the pending transactions and the blockchain",
            "  status                     the node's height, tip and peers",
            "  tx-status <id>             whether a transaction is pending or confirmed",
            "  watch [after] [count]      print blocks as they join the chain, and switches of branch; first",
            "                             the blocks after index <after>, if given; stop after <count> blocks",
            "  help                       this list",
            "  cc                         close the client",
            "Options: --node <url>        the node to talk to (default " + DEFAULT_NODE + ")",
            "         --keys <dir>        where signing keys are kept (default " + Keys.DEFAULT_DIRECTORY + ")");

    /** Pause before opening a broken block stream again. */
    static final Duration WATCH_RETRY = Duration.ofSeconds(1);
    /** How long {@code watch} tries to open a broken block stream again before it gives up. */
    static final Duration WATCH_GIVE_UP_AFTER = Duration.ofSeconds(30);

    private final NodeApi node;
    private final Keys keys;
    private final PrintStream out;
    private final PrintStream err;
    private final Printer printer;

    private Client(NodeApi node, Keys keys, PrintStream out, PrintStream err) {
        this.node = node;
        this.keys = keys;
        this.out = out;
        this.err = err;
        this.printer = new Printer(out);
    }

    /** Runs the client and returns its exit code. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        String nodeUrl = DEFAULT_NODE;
        Path keyDirectory = Keys.DEFAULT_DIRECTORY;
        while (!rest.isEmpty() && rest.get(0).startsWith("--")) {
            String option = rest.remove(0);
            if (option.equals("--node") && !rest.isEmpty()) {
                nodeUrl = rest.remove(0);
            } else if (option.startsWith("--node=")) {
                nodeUrl = option.substring("--node=".length());
            } else if (option.equals("--keys") && !rest.isEmpty()) {
                keyDirectory = Path.of(rest.remove(0));
            } else if (option.startsWith("--keys=")) {
                keyDirectory = Path.of(option.substring("--keys=".length()));
            } else {
                err.println("unknown option " + option);
                err.println(USAGE);
                return USAGE_ERROR;
            }
        }
        URI node;
        try {
            node = URI.create(nodeUrl);
        } catch (IllegalArgumentException e) {
            err.println("--node must be a URL such as " + DEFAULT_NODE + ", was " + nodeUrl);
            return USAGE_ERROR;
        }
        if (node.getScheme() == null || node.getHost() == null) {
            err.println("--node must be a URL such as " + DEFAULT_NODE + ", was " + nodeUrl);
            return USAGE_ERROR;
        }
        Client client = new Client(new NodeApi(node), new Keys(keyDirectory), out, err);
        return rest.isEmpty() ? client.interactive(in) : client.execute(String.join(" ", rest));
    }

    private int interactive(InputStream in) {
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        while (true) {
            out.println(PROMPT);
            String line;
            try {
                line = lines.readLine();
            } catch (IOException e) {
                err.println("cannot read input: " + e.getMessage());
                return NODE_ERROR;
            }
            if (line == null) {
                return OK;
            }
            if (line.isBlank()) {
                continue;
            }
            if (line.strip().equals("cc")) {
                return OK;
            }
            execute(line);
        }
    }

    /** Runs one command line; returns its exit code. */
    private int execute(String line) {
        Command command;
        try {
            command = Command.parse(line);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return USAGE_ERROR;
        }
        try {
            return switch (command.name()) {
                case "tx" -> submit(command.args().get(0), command.args().get(1));
                case "keygen" -> keygen(command.args().get(0));
                case "whois" -> whois(command.args().get(0));
                case "prove" -> prove(command.args().get(0));
                case "pb" -> printBlockchain();
                case "status" -> status();
                case "tx-status" -> transactionStatus(command.args().get(0));
                case "watch" -> watch(command.args());
                case "help" -> help();
                case "cc" -> OK;
                default -> throw new IllegalStateException("parsed an unknown command " + command.name());
            };
        } catch (NodeApi.NodeException e) {
            err.println(e.getMessage());
            return NODE_ERROR;
        }
    }

    /** Submits a transaction, signed with the sender's key when the keys directory holds one. */
    private int submit(String sender, String content) throws NodeApi.NodeException {
        Optional<byte[]> privateKey;
        try {
            privateKey = keys.privateKey(sender);
        } catch (IOException e) {
            err.println("cannot read the key of " + sender + ": " + e.getMessage());
            return USAGE_ERROR;
        }
        NodeApi.Answer answer;
        if (privateKey.isEmpty()) {
            answer = node.submit(sender, content);
        } else {
            NodeApi.Answer genesis = node.get("/chain?from=0&limit=1");
            if (!genesis.ok()) {
                return refused(genesis);
            }
            String genesisHash = genesis.body().get("blocks").items().get(0).get("hash").text();
            long timestamp = System.currentTimeMillis();
            byte[] publicKey = Signatures.publicKey(privateKey.get());
            byte[] signature;
            try {
                signature = Signatures.sign(privateKey.get(),
                        Hashes.signingMessage(genesisHash, sender, content, timestamp, publicKey));
            } catch (IllegalArgumentException e) {
                err.println("cannot sign: " + e.getMessage());
                return USAGE_ERROR;
            }
            answer = node.submitSigned(sender, content, timestamp, Signatures.encode(publicKey),
                    Signatures.encode(signature));
        }
        if (!answer.ok()) {
            err.println("rejected: " + answer.problem());
            return NODE_ERROR;
        }
        String known = answer.status() == 200 ? " (already known)" : "";
        String signed = privateKey.isPresent() ? " signed" : "";
        out.println("Transaction " + answer.body().get("id").text() + " " + answer.body().get("status").text() + signed
                + known);
        return OK;
    }

    /** Makes a signing key for a sender name; never over one that exists. */
    private int keygen(String name) {
        if (!TransactionRules.checkSender(name).isEmpty()) {
            err.println("a sender name is 1 to 32 letters or digits, not " + name);
            return USAGE_ERROR;
        }
        try {
            String publicKey = keys.generate(name);
            out.println("Key for " + name + " written to " + keys.file(name) + " (readable by you only)");
            out.println("Public key " + publicKey + ": transactions from " + name + " are signed with it; the first "
                    + "one confirmed makes the name yours");
            return OK;
        } catch (FileAlreadyExistsException e) {
            err.println(keys.file(name) + " exists: a key is never overwritten (the name would be lost with it)");
            return USAGE_ERROR;
        } catch (IOException e) {
            err.println("cannot write the key: " + e.getMessage());
            return USAGE_ERROR;
        }
    }

    /**
     * Checks, without trusting the node, that a transaction is in a block: its leaf and the audit path
     * give the block's transactions root, the root and the block's other header fields give the
     * block's hash, and that hash meets the block's difficulty. Prints each step.
     */
    private int prove(String id) throws NodeApi.NodeException {
        NodeApi.Answer proof = node.get("/transactions/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/proof");
        if (!proof.ok()) {
            err.println(proof.status() == 409 ? "transaction " + id + " is pending: no block holds it yet"
                    : proof.status() == 404 ? "no transaction " + id + " on " + node.node() : "refused: " + proof.problem());
            return NODE_ERROR;
        }
        NodeApi.Answer transaction = node.transaction(id);
        NodeApi.Answer block = node.get("/chain/blocks/" + proof.body().get("blockHash").text());
        if (!transaction.ok() || !block.ok()) {
            return refused(transaction.ok() ? block : transaction);
        }
        Json signature = transaction.body().get("signature");
        byte[] leaf;
        List<byte[]> path = new ArrayList<>();
        try {
            leaf = Hashes.leaves(List.of(id), Collections.singletonList(signature.isNull() ? null
                    : Signatures.decode(signature.text(), Signatures.SIGNATURE_BYTES))).get(0);
            for (Json hash : proof.body().get("auditPath").items()) {
                path.add(HexFormat.of().parseHex(hash.text()));
            }
        } catch (IllegalArgumentException e) {
            err.println("the node's proof is malformed: " + e.getMessage());
            return NODE_ERROR;
        }
        String root = proof.body().get("transactionsRoot").text();
        long leafIndex = proof.body().get("leafIndex").number();
        long leafCount = proof.body().get("leafCount").number();
        Json header = block.body();
        boolean inRoot = MerkleTree.verify(leaf, leafIndex, leafCount, path, HexFormat.of().parseHex(root));
        String hash = Hashes.blockHash(new BlockHeader(header.get("index").number(), header.get("timestamp").number(),
                header.get("previousHash").text(), (int) header.get("difficulty").number(), root,
                header.get("proof").number()));
        boolean headerHolds = hash.equals(header.get("hash").text());
        boolean worked = Difficulty.isMetBy(hash, (int) header.get("difficulty").number());
        out.println("transaction " + id + ", leaf " + leafIndex + " of " + leafCount + " in block "
                + header.get("index").number());
        out.println((inRoot ? "ok  " : "BAD ") + "its leaf and " + path.size() + " hashes give the root " + root);
        out.println((headerHolds ? "ok  " : "BAD ") + "that root and the block's header give its hash " + hash);
        out.println((worked ? "ok  " : "BAD ") + "that hash has the " + header.get("difficulty").number()
                + " leading zero bits of its difficulty");
        if (inRoot && headerHolds && worked) {
            out.println("proved: block " + header.get("index").number() + " holds it; how deep it is buried is "
                    + "for the chain to say (tx-status)");
            return OK;
        }
        err.println("not proved: the node's answer does not hold");
        return NODE_ERROR;
    }

    /** Who a sender name belongs to. */
    private int whois(String name) throws NodeApi.NodeException {
        NodeApi.Answer answer = node.get("/senders/" + URLEncoder.encode(name, StandardCharsets.UTF_8));
        if (!answer.ok()) {
            return refused(answer);
        }
        Json key = answer.body().get("publicKey");
        if (key.isNull()) {
            out.println(name + " is open: no signed transaction for it is confirmed yet");
        } else {
            out.println(name + " belongs to key " + key.text() + " since block " + answer.body().get("boundAt").number());
        }
        return OK;
    }

    /**
     * The seed's {@code pb}: the pending pool, then the chain from genesis, each read and printed a page
     * at a time, so that a pool or a chain of any length is printed without being held at once.
     */
    private int printBlockchain() throws NodeApi.NodeException {
        long total = -1;
        for (long offset = 0; total < 0 || offset < total; ) {
            NodeApi.Answer page = node.get("/transactions?offset=" + offset + "&limit=" + Paging.MAX_ITEMS);
            if (!page.ok()) {
                return refused(page);
            }
            if (total < 0) {
                total = page.body().get("total").number();
                printer.pendingCount(total);
            }
            List<Json> transactions = page.body().get("transactions").items();
            if (transactions.isEmpty()) {
                break;
            }
            printer.pending(transactions);
            offset += transactions.size();
        }
        long height = 0;
        for (long from = 0; from <= height; ) {
            NodeApi.Answer page = node.get("/chain?from=" + from + "&limit=" + Paging.MAX_ITEMS);
            if (!page.ok()) {
                return refused(page);
            }
            height = page.body().get("height").number();
            List<Json> blocks = page.body().get("blocks").items();
            if (blocks.isEmpty()) {
                break;
            }
            printer.blocks(blocks);
            from += blocks.size();
        }
        return OK;
    }

    private int refused(NodeApi.Answer answer) {
        err.println("the node refused: " + answer.problem());
        return NODE_ERROR;
    }

    private int status() throws NodeApi.NodeException {
        NodeApi.Answer summary = node.get("/heartbeat");
        if (!summary.ok()) {
            err.println("the node refused: " + summary.problem());
            return NODE_ERROR;
        }
        printer.summary(summary.body());
        return OK;
    }

    private int transactionStatus(String id) throws NodeApi.NodeException {
        NodeApi.Answer answer = node.transaction(id);
        if (!answer.ok()) {
            err.println(answer.status() == 404 ? "no transaction " + id + " on " + node.node() : "refused: " + answer.problem());
            return NODE_ERROR;
        }
        printer.status(answer.body());
        return OK;
    }

    /**
     * Prints blocks as the node's stream sends them, and switches of branch, until {@code count} blocks
     * were printed (forever without one). A stream that breaks is opened again after the last event
     * received, as a browser's EventSource does, for {@link #WATCH_GIVE_UP_AFTER} before giving up.
     */
    private int watch(List<String> args) throws NodeApi.NodeException {
        long[] lastId = {args.isEmpty() ? -1 : Long.parseLong(args.get(0))};
        long[] left = {args.size() < 2 ? Long.MAX_VALUE : Long.parseLong(args.get(1))};
        NodeApi.EventHandler print = event -> {
            lastId[0] = event.id();
            if ("reorg".equals(event.name())) {
                out.println();
                out.println("Switched branch: " + event.data().get("removed").items().size()
                        + " blocks above block " + event.data().get("forkIndex").number() + " left the chain");
                return true;
            }
            printer.blocks(List.of(event.data()));
            return --left[0] > 0;
        };
        boolean opened = false;
        boolean toldBusy = false;
        long lostSince = System.nanoTime();
        while (true) {
            NodeApi.StreamEnd end = node.events(lastId[0], print);
            if (end == NodeApi.StreamEnd.STOPPED) {
                return OK;
            }
            if (end == NodeApi.StreamEnd.BROKE) {
                opened = true;
                lostSince = System.nanoTime();
            } else if (end == NodeApi.StreamEnd.UNREACHABLE && !opened) {
                err.println("cannot reach the node at " + node.node());
                return NODE_ERROR;
            } else if (end == NodeApi.StreamEnd.REFUSED && !toldBusy) {
                err.println("the node at " + node.node() + " serves as many block streams as it allows; trying again");
                toldBusy = true;
            }
            if (System.nanoTime() - lostSince > WATCH_GIVE_UP_AFTER.toNanos()) {
                err.println("no block stream from the node at " + node.node() + " for " + WATCH_GIVE_UP_AFTER.toSeconds()
                        + " s");
                return NODE_ERROR;
            }
            try {
                Thread.sleep(WATCH_RETRY.toMillis()); // a pause between attempts, as EventSource's retry
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return NODE_ERROR;
            }
        }
    }

    private int help() {
        out.println(USAGE);
        return OK;
    }

    /** A parsed command line. */
    record Command(String name, List<String> args) {

        /** Parses {@code tx sender content...}, the seed's {@code tx|sender|content}, and the other commands. */
        static Command parse(String line) {
            String trimmed = line.strip();
            if (trimmed.startsWith("tx|")) {
                String[] parts = trimmed.split("\\|", 3);
                if (parts.length < 3 || parts[1].isEmpty() || parts[2].isEmpty()) {
                    throw new IllegalArgumentException("the seed's form is tx|sender|content");
                }
                return new Command("tx", List.of(parts[1], parts[2]));
            }
            String[] words = trimmed.split("\\s+", 3);
            String name = words[0].toLowerCase(Locale.ROOT);
            switch (name) {
                case "tx" -> {
                    if (words.length < 3) {
                        throw new IllegalArgumentException("tx needs a sender and some content: tx <sender> <content...>");
                    }
                    return new Command(name, List.of(words[1], words[2]));
                }
                case "keygen", "whois", "prove" -> {
                    if (words.length != 2) {
                        throw new IllegalArgumentException("usage: " + name + " <name>");
                    }
                    return new Command(name, List.of(words[1]));
                }
                case "tx-status" -> {
                    if (words.length != 2) {
                        throw new IllegalArgumentException("tx-status needs one transaction id: tx-status <id>");
                    }
                    return new Command(name, List.of(words[1]));
                }
                case "watch" -> {
                    List<String> all = List.of(trimmed.split("\\s+"));
                    List<String> numbers = all.subList(1, all.size());
                    if (numbers.size() > 2 || !numbers.stream().allMatch(n -> n.matches("[0-9]{1,18}"))
                            || numbers.size() == 2 && Long.parseLong(numbers.get(1)) == 0) {
                        throw new IllegalArgumentException("usage: watch [after] [count]: a block index, then a number"
                                + " of blocks, 1 or more");
                    }
                    return new Command(name, numbers);
                }
                case "pb", "status", "help", "cc" -> {
                    if (words.length > 1) {
                        throw new IllegalArgumentException(name + " takes no arguments");
                    }
                    return new Command(name, List.of());
                }
                default -> throw new IllegalArgumentException("unknown command '" + words[0] + "'");
            }
        }
    }
}
