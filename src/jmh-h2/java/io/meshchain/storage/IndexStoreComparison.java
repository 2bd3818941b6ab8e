package io.meshchain.storage;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.LongDataType;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;
import org.springframework.util.FileSystemUtils;

/**
 * Benchmark (not a test) behind two choices of the ledger's storage, the evidence for
 * BENCHMARKS.md's "why RocksDB, and why the block log stays". It generates N blocks (default
 * 1,000,000), each with a random 32-byte hash, 5 random 32-byte transaction ids and a body of
 * {@value #BODY_BYTES} random bytes, and prints two tables:
 * <ol>
 * <li><b>The index: RocksDB against H2's MVStore.</b> RocksDB through the node's own
 * {@link BlockIndex}, so that the figures are those of the code the node runs; MVStore with the
 * same three maps (height to entry, in {@link IndexSchema}'s encoding; block hash to height;
 * transaction id to height and position), the same cache size and a commit per
 * {@value #BLOCKS_PER_BATCH} blocks, as the node writes a block record. For each: blocks written
 * per second, size on disk after closing, time to open again and answer a first lookup,
 * {@value #LOOKUPS} random transaction lookups that hit, as many that miss, as many entries read
 * by random height; and after each phase the heap in use after a full collection and the
 * process's resident memory, so that what each store needs on and off the heap shows.</li>
 * <li><b>Block bodies: the block log against RocksDB.</b> The bodies appended
 * {@value #BLOCKS_PER_BATCH} to a record with {@link RecordLog} (append and sync, fsync off, as
 * {@link StorageFixture} writes), against the same bodies put {@value #BLOCKS_PER_BATCH} to a
 * batch into a RocksDB column family keyed by height, set up as {@link IndexOptions} sets up the
 * index. For each: bodies written per second, size on disk, and {@value #LOOKUPS} random
 * single-body reads: for the log a positional read at the offset the index gives, as
 * {@link FileLedgerStore} reads a block; for RocksDB a get by height. Both check every body read
 * against its CRC32C, as the node does.</li>
 * </ol>
 * Each store runs in a JVM of its own with the heap limit the Docker image gives the node
 * ({@value #TRIAL_HEAP}), so that one store's memory never shows in another's figures. Nothing
 * generated is held in memory: every hash, id and body is made again from its height when needed,
 * so the heap figures are the store's. The page cache is not dropped between phases: reads find
 * the files as a node that just wrote them would. Files go to a temporary directory under
 * {@code target/}, deleted at the end. Run by {@code scripts/bench-stores.sh}.
 */
public final class IndexStoreComparison {

    private static final long DEFAULT_BLOCKS = 1_000_000;
    private static final int TRANSACTIONS_PER_BLOCK = 5;
    private static final int HASH_BYTES = 32;
    /** A block of 5 transactions, as the block log holds it, takes about this many bytes. */
    private static final int BODY_BYTES = 430;
    /** Blocks per index batch or store commit, and per block-log record: as a node catching up writes them. */
    private static final int BLOCKS_PER_BATCH = StorageFixture.BLOCKS_PER_RECORD;
    private static final int LOOKUPS = 200_000;
    /** MVStore's cache, in MB: the block cache {@link IndexOptions} gives RocksDB. */
    private static final int MVSTORE_CACHE_MB = (int) (IndexOptions.CACHE_BYTES / (1024 * 1024));
    /**
     * Whether MVStore's background thread runs: it commits on its own too (every second, and
     * whenever about 1 MB of changes is unsaved), frees the space of dead chunks and compacts the
     * file. On measured best: see {@link MvStoreIndex}.
     */
    private static final boolean MVSTORE_AUTOCOMMIT = true;
    /**
     * How long MVStore keeps chunks it no longer needs before it writes over them (its default is
     * 45 s, against writes the operating system reorders). The index can be rebuilt from the block
     * log, which is why {@link BlockIndex} does not force its writes either.
     */
    private static final int MVSTORE_RETENTION_MS = 0;
    /** 75% (the image's MaxRAMPercentage) of the StatefulSet's 512 MiB memory limit, as the node runs. */
    private static final String TRIAL_HEAP = "-Xmx384m";
    /** Work added by each block to the chain's total (difficulty 24): the entries' total-work field grows with it. */
    private static final BigInteger WORK_PER_BLOCK = BigInteger.ONE.shiftLeft(24);
    private static final long FIRST_TIMESTAMP = 1_700_000_000_000L;
    private static final byte[] GENESIS_HASH = new byte[HASH_BYTES];
    private static final long BYTES_PER_MB = 1_000_000;

    /** Streams of generated data (ids, hashes, bodies, which heights to read), each from seeds of its own. */
    private static final long HASHES = 1;
    private static final long TRANSACTIONS = 2;
    private static final long MISSING = 3;
    private static final long BODIES = 4;
    private static final long HIT_PICKS = 5;
    private static final long HEIGHT_PICKS = 6;
    private static final long BODY_PICKS = 7;
    private static final int STREAM_SHIFT = 40;

    /** First argument of the JVM a trial runs in. */
    private static final String TRIAL_ARGUMENT = "--trial";
    /** How a trial's JVM prints a figure: this, the figure's name, a tab, its value. */
    private static final String FIGURE_PREFIX = "figure\t";

    static {
        RocksDB.loadLibrary();
    }

    /** One store under measurement, run in a JVM of its own. */
    private enum Trial {
        INDEX_ROCKSDB("RocksDB (BlockIndex)"),
        INDEX_MVSTORE("H2 MVStore"),
        BODIES_LOG("block log (RecordLog)"),
        BODIES_ROCKSDB("RocksDB");

        private final String label;

        Trial(String label) {
            this.label = label;
        }
    }

    private IndexStoreComparison() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 4 && args[0].equals(TRIAL_ARGUMENT)) {
            runTrial(Trial.valueOf(args[1]), Long.parseLong(args[2]), Path.of(args[3]));
            return;
        }
        long blocks = args.length == 0 ? DEFAULT_BLOCKS : Long.parseLong(args[0].replace("_", ""));
        if (blocks < BLOCKS_PER_BATCH) {
            throw new IllegalArgumentException("give at least " + BLOCKS_PER_BATCH + " blocks");
        }
        String command = commandLine(args);
        Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "store-comparison");
        try {
            String title = String.format("%s%n%,d blocks, each %d random 32-byte transaction ids, a random 32-byte hash "
                            + "and a %d-byte body; each store in a JVM of its own (%s)", command, blocks,
                    TRANSACTIONS_PER_BLOCK, BODY_BYTES, TRIAL_HEAP);
            printTable(String.format("index: RocksDB against H2 MVStore %s (cache %d MB, autocommit %s, retention "
                                    + "time %d ms, a commit per %,d blocks)%n%s", org.h2.engine.Constants.VERSION,
                            MVSTORE_CACHE_MB, MVSTORE_AUTOCOMMIT ? "on" : "off", MVSTORE_RETENTION_MS, BLOCKS_PER_BATCH,
                            title),
                    blocks, work, Trial.INDEX_ROCKSDB, Trial.INDEX_MVSTORE);
            printTable("block bodies: the block log against RocksDB\n" + title, blocks, work, Trial.BODIES_LOG,
                    Trial.BODIES_ROCKSDB);
        } finally {
            FileSystemUtils.deleteRecursively(work.toFile());
        }
    }

    /** How this program was started, without the class path. */
    private static String commandLine(String[] args) {
        List<String> words = new ArrayList<>(List.of("java"));
        words.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        words.add(IndexStoreComparison.class.getName());
        words.addAll(List.of(args));
        return String.join(" ", words);
    }

    // ---- running trials and printing their figures ----------------------------------------------

    /** Runs two trials, each in its own JVM, and prints their figures side by side. */
    private static void printTable(String title, long blocks, Path work, Trial left, Trial right)
            throws IOException, InterruptedException {
        Map<String, String> leftFigures = runInOwnJvm(left, blocks, work);
        Map<String, String> rightFigures = runInOwnJvm(right, blocks, work);
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"figure", left.label, right.label});
        leftFigures.forEach((figure, value) -> rows.add(new String[] {figure, value,
                rightFigures.getOrDefault(figure, "")}));
        int[] widths = new int[3];
        rows.forEach(row -> Arrays.setAll(widths, i -> Math.max(widths[i], row[i].length())));
        System.out.println();
        System.out.println(title);
        System.out.println();
        printRow(rows.get(0), widths);
        printRow(Arrays.stream(widths).mapToObj("-"::repeat).toArray(String[]::new), widths);
        rows.subList(1, rows.size()).forEach(row -> printRow(row, widths));
        System.out.println();
    }

    private static void printRow(String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder("|");
        for (int i = 0; i < cells.length; i++) {
            line.append(' ').append(cells[i]).append(" ".repeat(widths[i] - cells[i].length())).append(" |");
        }
        System.out.println(line);
    }

    /** Runs a trial in a new JVM and returns its figures in the order it printed them. */
    private static Map<String, String> runInOwnJvm(Trial trial, long blocks, Path work)
            throws IOException, InterruptedException {
        Path directory = work.resolve(trial.name().toLowerCase());
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), TRIAL_HEAP,
                "-cp", System.getProperty("java.class.path"), IndexStoreComparison.class.getName(), TRIAL_ARGUMENT,
                trial.name(), Long.toString(blocks), directory.toString());
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<String, String> figures = new LinkedHashMap<>();
        try (BufferedReader output = process.inputReader()) {
            for (String line = output.readLine(); line != null; line = output.readLine()) {
                if (line.startsWith(FIGURE_PREFIX)) {
                    String[] parts = line.split("\t", 3);
                    figures.put(parts[1], parts[2]);
                } else {
                    System.out.println("  " + trial.label + ": " + line);
                }
            }
        }
        int exit = process.waitFor();
        FileSystemUtils.deleteRecursively(directory.toFile());
        if (exit != 0) {
            throw new IllegalStateException(trial.label + " failed (exit code " + exit + ")");
        }
        System.out.printf("  %s: done in %.0f s%n", trial.label, seconds(start));
        return figures;
    }

    /** In a trial's JVM: measures one store, printing each figure as it is known. */
    private static void runTrial(Trial trial, long blocks, Path directory) throws IOException {
        Files.createDirectories(directory);
        switch (trial) {
            case INDEX_ROCKSDB -> indexTrial(RocksIndex::new, blocks, directory);
            case INDEX_MVSTORE -> indexTrial(MvStoreIndex::new, blocks, directory);
            case BODIES_LOG -> bodiesTrial(new LogBodies(blocks), blocks, directory);
            case BODIES_ROCKSDB -> bodiesTrial(new RocksBodies(), blocks, directory);
        }
    }

    private static void figure(String name, String value) {
        System.out.println(FIGURE_PREFIX + name + "\t" + value);
    }

    // ---- the index ------------------------------------------------------------------------------

    /** What the ledger asks of its index, and how it writes it. */
    private interface IndexStore extends Closeable {

        /** Adds a block and its transactions to the batch being written. */
        void put(BlockIndex.Entry entry, List<byte[]> transactionIds) throws IOException;

        /** Writes the batch, and with it that the index now reaches {@code tip}. */
        void commit(long tip) throws IOException;

        Optional<BlockIndex.Location> transaction(byte[] id) throws IOException;

        Optional<BlockIndex.Entry> entry(long height) throws IOException;

        @Override
        void close() throws IOException;
    }

    @FunctionalInterface
    private interface IndexOpener {
        IndexStore open(Path directory) throws IOException;
    }

    private static void indexTrial(IndexOpener opener, long blocks, Path directory) throws IOException {
        memory("before opening");
        IndexStore store = opener.open(directory);
        long start = System.nanoTime();
        for (long height = 1; height <= blocks; height++) {
            store.put(entry(height), transactionIds(height));
            if (height % BLOCKS_PER_BATCH == 0 || height == blocks) {
                store.commit(height);
            }
        }
        double writing = seconds(start);
        figure(String.format("write %,d blocks, %,d per batch", blocks, BLOCKS_PER_BATCH),
                String.format("%,.0f blocks/s (%.1f s)", blocks / writing, writing));
        memory("after writing");
        start = System.nanoTime();
        store.close();
        figure("close", String.format("%.2f s", seconds(start)));
        figure("size on disk after closing", megabytes(directory));
        memory("after closing");

        start = System.nanoTime();
        store = opener.open(directory);
        requireHit(store, blocks / 2, 0);
        figure("open again and answer a first lookup", String.format("%.0f ms", seconds(start) * 1e3));
        memory("after opening again");
        try (IndexStore reopened = store) {
            transactionHits(reopened, blocks);
            memory("after the hits");
            transactionMisses(reopened);
            memory("after the misses");
            heightReads(reopened, blocks);
            memory("after the height reads");
        }
    }

    private static void transactionHits(IndexStore store, long blocks) throws IOException {
        SplittableRandom picks = new SplittableRandom(HIT_PICKS);
        long[] heights = new long[LOOKUPS];
        int[] positions = new int[LOOKUPS];
        byte[][] ids = new byte[LOOKUPS][];
        for (int i = 0; i < LOOKUPS; i++) {
            heights[i] = picks.nextLong(1, blocks + 1);
            positions[i] = picks.nextInt(TRANSACTIONS_PER_BLOCK);
            ids[i] = transactionId(heights[i], positions[i]);
        }
        long start = System.nanoTime();
        int wrong = 0;
        for (int i = 0; i < LOOKUPS; i++) {
            Optional<BlockIndex.Location> found = store.transaction(ids[i]);
            if (found.isEmpty() || found.get().height() != heights[i] || found.get().position() != positions[i]) {
                wrong++;
            }
        }
        double seconds = seconds(start);
        requireNone(wrong, "transaction lookups found the wrong place or nothing");
        figure(String.format("%,d random transaction lookups that hit", LOOKUPS), rate(LOOKUPS, seconds));
    }

    private static void transactionMisses(IndexStore store) throws IOException {
        byte[][] ids = new byte[LOOKUPS][];
        Arrays.setAll(ids, i -> random(MISSING, i, HASH_BYTES));
        long start = System.nanoTime();
        int wrong = 0;
        for (byte[] id : ids) {
            if (store.transaction(id).isPresent()) {
                wrong++;
            }
        }
        double seconds = seconds(start);
        requireNone(wrong, "lookups of unknown transactions found one");
        figure(String.format("%,d random transaction lookups that miss", LOOKUPS), rate(LOOKUPS, seconds));
    }

    private static void heightReads(IndexStore store, long blocks) throws IOException {
        SplittableRandom picks = new SplittableRandom(HEIGHT_PICKS);
        long[] heights = new long[LOOKUPS];
        Arrays.setAll(heights, i -> picks.nextLong(1, blocks + 1));
        long start = System.nanoTime();
        int wrong = 0;
        for (long height : heights) {
            Optional<BlockIndex.Entry> found = store.entry(height);
            if (found.isEmpty() || found.get().offset() != offset(height)) {
                wrong++;
            }
        }
        double seconds = seconds(start);
        requireNone(wrong, "entries read by height were missing or wrong");
        figure(String.format("%,d entries read by random height", LOOKUPS), rate(LOOKUPS, seconds));
    }

    private static void requireHit(IndexStore store, long height, int position) throws IOException {
        Optional<BlockIndex.Location> found = store.transaction(transactionId(height, position));
        if (found.isEmpty() || found.get().height() != height) {
            throw new IllegalStateException("the transaction of block " + height + " is not where it was written");
        }
    }

    /** The node's own index. */
    private static final class RocksIndex implements IndexStore {

        private final BlockIndex index;
        private BlockIndex.Batch batch;

        RocksIndex(Path directory) throws IOException {
            index = BlockIndex.open(directory);
        }

        @Override
        public void put(BlockIndex.Entry entry, List<byte[]> transactionIds) throws IOException {
            if (batch == null) {
                batch = index.batch();
            }
            batch.put(entry, transactionIds, List.of()); // blocks of five: no leaf hashes kept
        }

        @Override
        public void commit(long tip) throws IOException {
            batch.meta(GENESIS_HASH, tip, offset(tip) + BODY_BYTES);
            batch.commit();
            batch = null;
        }

        @Override
        public Optional<BlockIndex.Location> transaction(byte[] id) throws IOException {
            return index.transaction(id);
        }

        @Override
        public Optional<BlockIndex.Entry> entry(long height) throws IOException {
            return index.entry(height);
        }

        @Override
        public void close() {
            index.close();
        }
    }

    /**
     * The same maps in H2's MVStore, in one file. Keys that are byte arrays use
     * {@link ByteArrayDataType}, which compares them by content as unsigned bytes
     * ({@code Arrays.compareUnsigned}), as RocksDB's default comparator does. MVStore's default,
     * {@code ObjectDataType}, would order them by content too (unsigned, then by length), but
     * detects each key's type on every comparison and writes a type tag with it; heights use
     * {@link LongDataType}.
     * <p>
     * MVStore never overwrites a page: every commit writes the pages it changed to a new chunk of
     * the file, and with random ids a commit changes pages all over the transaction map. The space
     * of chunks no longer needed is freed only by the background thread, which runs with
     * autocommit on ({@link #MVSTORE_AUTOCOMMIT}), and only once they are older than the retention
     * time ({@link #MVSTORE_RETENTION_MS}). With autocommit off the file grew with the square of the
     * number of blocks (1.6 GB for 200,000 blocks), and so it did with autocommit on and the
     * default retention for as long as a run lasted under it; with autocommit on and no retention
     * it stayed about five times smaller, and writing was about as fast. A {@code compactFile} at
     * the end did not shrink it further.
     */
    private static final class MvStoreIndex implements IndexStore {

        private static final String FILE = "index.mv.db";

        private final MVStore store;
        private final MVMap<Long, byte[]> heights;
        private final MVMap<byte[], Long> hashes;
        private final MVMap<byte[], byte[]> transactions;
        private final MVMap<String, Long> meta;

        MvStoreIndex(Path directory) {
            MVStore.Builder builder = new MVStore.Builder().fileName(directory.resolve(FILE).toString())
                    .cacheSize(MVSTORE_CACHE_MB);
            store = (MVSTORE_AUTOCOMMIT ? builder : builder.autoCommitDisabled()).open();
            store.setRetentionTime(MVSTORE_RETENTION_MS);
            heights = store.openMap("heights", new MVMap.Builder<Long, byte[]>().keyType(LongDataType.INSTANCE)
                    .valueType(ByteArrayDataType.INSTANCE));
            hashes = store.openMap("hashes", new MVMap.Builder<byte[], Long>().keyType(ByteArrayDataType.INSTANCE)
                    .valueType(LongDataType.INSTANCE));
            transactions = store.openMap("transactions", new MVMap.Builder<byte[], byte[]>()
                    .keyType(ByteArrayDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE));
            meta = store.openMap("meta", new MVMap.Builder<String, Long>());
        }

        @Override
        public void put(BlockIndex.Entry entry, List<byte[]> transactionIds) {
            heights.put(entry.height(), IndexSchema.encodeEntry(entry));
            hashes.put(entry.hash(), entry.height());
            for (int position = 0; position < transactionIds.size(); position++) {
                transactions.put(transactionIds.get(position), ByteBuffer.allocate(Long.BYTES + Integer.BYTES)
                        .putLong(entry.height()).putInt(position).array());
            }
        }

        @Override
        public void commit(long tip) {
            meta.put("tip", tip);
            meta.put("log-end", offset(tip) + BODY_BYTES);
            store.commit();
        }

        @Override
        public Optional<BlockIndex.Location> transaction(byte[] id) {
            byte[] value = transactions.get(id);
            if (value == null) {
                return Optional.empty();
            }
            ByteBuffer buffer = ByteBuffer.wrap(value);
            return Optional.of(new BlockIndex.Location(buffer.getLong(), buffer.getInt()));
        }

        @Override
        public Optional<BlockIndex.Entry> entry(long height) {
            byte[] value = heights.get(height);
            return value == null ? Optional.empty() : Optional.of(IndexSchema.decodeEntry(height, value));
        }

        @Override
        public void close() {
            store.close();
        }
    }

    // ---- block bodies ---------------------------------------------------------------------------

    /** Where block bodies are kept: written in batches, then read back one at a time. */
    private interface BodyStore {

        /** Opens the store for writing; each call of the writer is one record or batch. */
        BodyWriter writer(Path directory) throws IOException;

        /** Opens the store, written and closed before, for reading. */
        BodyReader reader(Path directory) throws IOException;
    }

    private interface BodyWriter extends Closeable {
        void write(long firstHeight, List<byte[]> bodies) throws IOException;
    }

    private interface BodyReader extends Closeable {
        byte[] read(long height) throws IOException;
    }

    private static void bodiesTrial(BodyStore bodies, long blocks, Path directory) throws IOException {
        int[] crcs = new int[Math.toIntExact(blocks + 1)];
        BodyWriter writer = bodies.writer(directory);
        long start = System.nanoTime();
        List<byte[]> batch = new ArrayList<>(BLOCKS_PER_BATCH);
        for (long height = 1; height <= blocks; height++) {
            byte[] body = random(BODIES, height, BODY_BYTES);
            crcs[(int) height] = crc(body);
            batch.add(body);
            if (batch.size() == BLOCKS_PER_BATCH || height == blocks) {
                writer.write(height - batch.size() + 1, batch);
                batch.clear();
            }
        }
        double writing = seconds(start);
        figure(String.format("write %,d bodies, %,d per record or batch", blocks, BLOCKS_PER_BATCH),
                String.format("%,.0f bodies/s, %.0f MB/s (%.1f s)", blocks / writing,
                        (double) blocks * BODY_BYTES / BYTES_PER_MB / writing, writing));
        start = System.nanoTime();
        writer.close();
        figure("close", String.format("%.2f s", seconds(start)));
        figure("size on disk after closing", megabytes(directory));
        randomReads(bodies, blocks, directory, crcs);
    }

    private static void randomReads(BodyStore bodies, long blocks, Path directory, int[] crcs) throws IOException {
        SplittableRandom picks = new SplittableRandom(BODY_PICKS);
        long[] heights = new long[LOOKUPS];
        Arrays.setAll(heights, i -> picks.nextLong(1, blocks + 1));
        try (BodyReader reader = bodies.reader(directory)) {
            long start = System.nanoTime();
            int wrong = 0;
            for (long height : heights) {
                if (crc(reader.read(height)) != crcs[(int) height]) {
                    wrong++;
                }
            }
            double seconds = seconds(start);
            requireNone(wrong, "bodies read back differ from those written");
            figure(String.format("%,d random single-body reads, each checked", LOOKUPS), rate(LOOKUPS, seconds));
        }
    }

    /**
     * The block log: a record of {@value #BLOCKS_PER_BATCH} bodies appended and synced at a time;
     * a body read back with one positional read at the offset the index would give.
     */
    private static final class LogBodies implements BodyStore {

        /** Where each record's payload starts in the file: what the index knows of each block's place. */
        private final long[] payloadStarts;

        LogBodies(long blocks) {
            payloadStarts = new long[Math.toIntExact((blocks + BLOCKS_PER_BATCH - 1) / BLOCKS_PER_BATCH)];
        }

        private static Path file(Path directory) {
            return directory.resolve(DataDirectory.BLOCKS_FILE);
        }

        @Override
        public BodyWriter writer(Path directory) throws IOException {
            RecordLog log = RecordLog.open(file(directory), false).log();
            return new BodyWriter() {
                @Override
                public void write(long firstHeight, List<byte[]> bodies) throws IOException {
                    ByteBuffer payload = ByteBuffer.allocate(bodies.size() * BODY_BYTES);
                    bodies.forEach(payload::put);
                    payloadStarts[record(firstHeight)] = log.end() + RecordLog.RECORD_HEADER_BYTES;
                    log.sync(log.append(payload.array()));
                }

                @Override
                public void close() throws IOException {
                    log.close();
                }
            };
        }

        @Override
        public BodyReader reader(Path directory) throws IOException {
            FileChannel channel = FileChannel.open(file(directory), StandardOpenOption.READ);
            return new BodyReader() {
                @Override
                public byte[] read(long height) throws IOException {
                    long position = payloadStarts[record(height)] + (long) ((height - 1) % BLOCKS_PER_BATCH) * BODY_BYTES;
                    ByteBuffer buffer = ByteBuffer.allocate(BODY_BYTES);
                    while (buffer.hasRemaining()) {
                        if (channel.read(buffer, position + buffer.position()) < 0) {
                            throw new IOException("the block log ends before offset " + (position + BODY_BYTES));
                        }
                    }
                    return buffer.array();
                }

                @Override
                public void close() throws IOException {
                    channel.close();
                }
            };
        }

        private static int record(long height) {
            return Math.toIntExact((height - 1) / BLOCKS_PER_BATCH);
        }
    }

    /** The bodies in RocksDB, keyed by height. */
    private static final class RocksBodies implements BodyStore {

        @Override
        public BodyWriter writer(Path directory) throws IOException {
            BodyDatabase database = new BodyDatabase(directory);
            return new BodyWriter() {
                @Override
                public void write(long firstHeight, List<byte[]> bodies) throws IOException {
                    database.put(firstHeight, bodies);
                }

                @Override
                public void close() {
                    database.close();
                }
            };
        }

        @Override
        public BodyReader reader(Path directory) throws IOException {
            BodyDatabase database = new BodyDatabase(directory);
            return new BodyReader() {
                @Override
                public byte[] read(long height) throws IOException {
                    return database.get(height);
                }

                @Override
                public void close() {
                    database.close();
                }
            };
        }
    }

    /**
     * A RocksDB with one column family of bodies, set up as {@link IndexOptions} sets up the index: the
     * same shared block cache with the memtables charged to it, index and filter blocks in the cache,
     * partitioned, bloom filters, writes not forced (the write-ahead log on). Random bodies do not
     * compress, so the family is not compressed either.
     */
    private static final class BodyDatabase implements Closeable {

        private static final int BLOOM_BITS_PER_KEY = 10;

        private final LRUCache cache = new LRUCache(IndexOptions.CACHE_BYTES);
        private final WriteBufferManager memtables = new WriteBufferManager(IndexOptions.MEMTABLE_BYTES, cache);
        private final BloomFilter bloom = new BloomFilter(BLOOM_BITS_PER_KEY, false);
        private final ColumnFamilyOptions family;
        private final DBOptions options;
        private final WriteOptions writeOptions = new WriteOptions().setSync(false);
        private final List<ColumnFamilyHandle> handles = new ArrayList<>();
        private final RocksDB db;
        private final ColumnFamilyHandle bodies;

        BodyDatabase(Path directory) throws IOException {
            family = IndexOptions.columnFamilyOptions(cache, bloom, CompressionType.NO_COMPRESSION);
            options = IndexOptions.databaseOptions(memtables);
            List<ColumnFamilyDescriptor> families = List.of(
                    new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, family),
                    new ColumnFamilyDescriptor("bodies".getBytes(StandardCharsets.US_ASCII), family));
            try {
                db = RocksDB.open(options, directory.toString(), families, handles);
            } catch (RocksDBException e) {
                closeOptions();
                throw new IOException("cannot open RocksDB in " + directory + ": " + e.getMessage(), e);
            }
            bodies = handles.get(1);
        }

        void put(long firstHeight, List<byte[]> blockBodies) throws IOException {
            try (WriteBatch batch = new WriteBatch()) {
                for (int i = 0; i < blockBodies.size(); i++) {
                    batch.put(bodies, key(firstHeight + i), blockBodies.get(i));
                }
                db.write(writeOptions, batch);
            } catch (RocksDBException e) {
                throw new IOException("cannot write bodies: " + e.getMessage(), e);
            }
        }

        byte[] get(long height) throws IOException {
            try {
                byte[] body = db.get(bodies, key(height));
                if (body == null) {
                    throw new IOException("no body at height " + height);
                }
                return body;
            } catch (RocksDBException e) {
                throw new IOException("cannot read a body: " + e.getMessage(), e);
            }
        }

        /** Heights as big-endian keys, so that bodies are stored in chain order, as the index's heights are. */
        private static byte[] key(long height) {
            return ByteBuffer.allocate(Long.BYTES).putLong(height).array();
        }

        @Override
        public void close() {
            handles.forEach(ColumnFamilyHandle::close);
            db.close();
            writeOptions.close();
            closeOptions();
        }

        private void closeOptions() {
            options.close();
            family.close();
            bloom.close();
            memtables.close();
            cache.close();
        }
    }

    // ---- generated data -------------------------------------------------------------------------

    /**
     * Pseudo-random bytes, the same for the same stream and number in every JVM, so that nothing
     * generated needs to be kept: a block's hash, ids and body are made again from its height.
     */
    private static byte[] random(long stream, long number, int length) {
        byte[] bytes = new byte[length];
        new SplittableRandom(stream << STREAM_SHIFT ^ number).nextBytes(bytes);
        return bytes;
    }

    private static byte[] transactionId(long height, int position) {
        return random(TRANSACTIONS, height * TRANSACTIONS_PER_BLOCK + position, HASH_BYTES);
    }

    private static List<byte[]> transactionIds(long height) {
        List<byte[]> ids = new ArrayList<>(TRANSACTIONS_PER_BLOCK);
        for (int position = 0; position < TRANSACTIONS_PER_BLOCK; position++) {
            ids.add(transactionId(height, position));
        }
        return ids;
    }

    /** Where the block would lie in the block log: the height read back from an entry checks it. */
    private static long offset(long height) {
        return RecordLog.FIRST_RECORD + (height - 1) * BODY_BYTES;
    }

    private static BlockIndex.Entry entry(long height) {
        return new BlockIndex.Entry(height, random(HASHES, height, HASH_BYTES), FIRST_TIMESTAMP + height * 1_000,
                height * 31, WORK_PER_BLOCK.multiply(BigInteger.valueOf(height)), offset(height), BODY_BYTES,
                (int) height);
    }

    // ---- measuring ------------------------------------------------------------------------------

    /** Heap in use after a full collection, and the process's resident memory, as a figure. */
    private static void memory(String phase) throws IOException {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        figure("heap after GC / resident, " + phase,
                String.format("%d MB / %s", heap / BYTES_PER_MB, residentMegabytes()));
    }

    /** VmRSS of this process, where Linux reports it. */
    private static String residentMegabytes() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return "n/a";
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) * 1024 / BYTES_PER_MB + " MB";
            }
        }
        return "n/a";
    }

    private static String megabytes(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            long bytes = files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
            return String.format("%.1f MB", (double) bytes / BYTES_PER_MB);
        }
    }

    private static String rate(long operations, double seconds) {
        return String.format("%,.0f /s", operations / seconds);
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static int crc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    private static void requireNone(int wrong, String what) {
        if (wrong > 0) {
            throw new IllegalStateException(wrong + " " + what);
        }
    }
}
