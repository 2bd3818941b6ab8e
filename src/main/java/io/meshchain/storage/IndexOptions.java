package io.meshchain.storage;

import java.util.ArrayList;
import java.util.List;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.Filter;
import org.rocksdb.IndexType;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.WriteBufferManager;

/**
 * How the index tunes RocksDB, and the native option objects that tuning is made of, which it closes
 * together. Memory is bounded: one block cache shared by every column family, holding index and
 * filter blocks too, with the memtables charged to it.
 */
final class IndexOptions implements AutoCloseable {

    /** The block cache, which also holds index and filter blocks and is charged with the memtables. */
    static final long CACHE_BYTES = 32L * 1024 * 1024;
    /** Memtables of all column families together, inside {@link #CACHE_BYTES}. */
    static final long MEMTABLE_BYTES = 16L * 1024 * 1024;
    private static final long WRITE_BUFFER_BYTES = 8L * 1024 * 1024;
    private static final int BLOOM_BITS_PER_KEY = 10;
    /** Share of a memtable given to its bloom filter, where lookups are by whole key. */
    private static final double MEMTABLE_BLOOM_RATIO = 0.1;

    static {
        RocksDbLibrary.load();
    }

    private final LRUCache cache;
    private final WriteBufferManager memtables;
    private final BloomFilter bloom;
    private final List<ColumnFamilyOptions> familyOptions = new ArrayList<>();
    private final DBOptions database;

    IndexOptions() {
        this.cache = new LRUCache(CACHE_BYTES);
        this.memtables = new WriteBufferManager(MEMTABLE_BYTES, cache);
        this.bloom = new BloomFilter(BLOOM_BITS_PER_KEY, false);
        this.database = databaseOptions(memtables);
    }

    /** The database's options, as {@link #databaseOptions} makes them. */
    DBOptions database() {
        return database;
    }

    /**
     * Options for one column family, sharing the cache and the bloom filter; with {@code pointLookups},
     * a bloom filter on the memtable too, for families looked up by whole key and mostly missed.
     */
    ColumnFamilyOptions family(CompressionType compression, boolean pointLookups) {
        ColumnFamilyOptions family = columnFamilyOptions(cache, bloom, compression);
        if (pointLookups) {
            family.setMemtableWholeKeyFiltering(true).setMemtablePrefixBloomSizeRatio(MEMTABLE_BLOOM_RATIO);
        }
        familyOptions.add(family);
        return family;
    }

    /**
     * The database's options: its write buffers charged to {@code memtables}, two background jobs, a
     * small log of warnings only. Package-private so that benchmarks set up RocksDB as the index does.
     */
    static DBOptions databaseOptions(WriteBufferManager memtables) {
        return new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                .setWriteBufferManager(memtables)
                .setMaxBackgroundJobs(2)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setKeepLogFileNum(2)
                .setMaxLogFileSize(1024 * 1024)
                .setStatsDumpPeriodSec(0);
    }

    /**
     * A column family's options, tables in {@code cache} with {@code bloom} filters. Index and filter
     * blocks live in the cache, cut into small partitions, so that a lookup in a large index loads a
     * few kilobytes of them, not a whole table's worth into a small cache.
     */
    static ColumnFamilyOptions columnFamilyOptions(Cache cache, Filter bloom, CompressionType compression) {
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setCacheIndexAndFilterBlocks(true)
                .setCacheIndexAndFilterBlocksWithHighPriority(true)
                .setPinTopLevelIndexAndFilter(true)
                .setPinL0FilterAndIndexBlocksInCache(true)
                .setIndexType(IndexType.kTwoLevelIndexSearch)
                .setPartitionFilters(true)
                .setMetadataBlockSize(4096)
                .setFilterPolicy(bloom);
        return new ColumnFamilyOptions()
                .setTableFormatConfig(table)
                .setWriteBufferSize(WRITE_BUFFER_BYTES)
                .setMaxWriteBufferNumber(2)
                .setCompressionType(compression);
    }

    /** Closes every option object made here, the database's and the column families'. */
    @Override
    public void close() {
        database.close();
        familyOptions.forEach(ColumnFamilyOptions::close);
        bloom.close();
        memtables.close();
        cache.close();
    }
}
