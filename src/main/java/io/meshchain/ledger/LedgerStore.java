package io.meshchain.ledger;

import io.meshchain.primitives.Block;

/**
 * Where the ledger keeps its chain and pending pool: on disk, across restarts, and indexed, so that
 * the ledger holds in memory only what is recent. {@link ChainService} calls it at each change,
 * under its lock and before the change becomes visible, so the store always holds a state the node
 * really was in. The implementation decides how (files, an index, fsync, group commit); the ledger
 * does not know about files.
 * <p>
 * It is two stores opened together: the {@link ChainStore} (blocks, their index, the writes that
 * change the chain) and the {@link PoolJournal} (the pending pool's record). Opening is here because
 * it opens both at once and answers with both: the chain's tip and the pool.
 */
public interface LedgerStore extends ChainStore, PoolJournal {

    /**
     * Opens what is stored, once, at start: the store checks its files against each other, and
     * returns the chain's tip and the pool's records.
     *
     * @throws StoredChainInvalidException when the stored chain belongs to another network
     * @throws StorageException            when the files cannot be read
     */
    StoredLedger open(Block genesis);
}
