package io.meshchain.ledger;

import io.meshchain.crypto.Signatures;
import io.meshchain.pow.BlockHeader;
import io.meshchain.pow.Difficulty;
import io.meshchain.pow.Hashes;
import io.meshchain.pow.ProofSearch;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds transactions, blocks and chains for tests, by the same rules the node uses. Blocks are
 * mined for real at the given difficulty, so tests keep it low (4 to 8 bits).
 */
public final class ChainFixture {

    /** Difficulty used by fixtures unless a test says otherwise: quick to mine, still real work. */
    public static final int DIFFICULTY = 8;
    /** A fixed "now" for tests that use a fixed clock. */
    public static final long NOW = 1_764_000_000_000L;

    private static final AtomicInteger counter = new AtomicInteger();

    private ChainFixture() {
    }

    /**
     * A valid transaction with unique content, stamped a millisecond after the one before (a day
     * before {@link #NOW}): transactions made one after another are in the pool's canonical order.
     */
    public static Transaction tx() {
        int n = counter.incrementAndGet();
        return Transaction.of("gzan3055", "payment " + n, NOW - Duration.ofDays(1).toMillis() + n);
    }

    /** RFC 8032's first test key: fixtures sign with it. */
    public static final byte[] SIGNING_KEY = HexFormat.of()
            .parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");

    /** RFC 8032's second test key: another signer, racing {@link #SIGNING_KEY} for a name. */
    public static final byte[] OTHER_KEY = HexFormat.of()
            .parseHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");

    /** A transaction signed with {@link #SIGNING_KEY} for the network whose genesis block has {@code genesisHash}. */
    public static Transaction signed(String genesisHash, String sender, String content, long timestamp) {
        return signed(SIGNING_KEY, genesisHash, sender, content, timestamp);
    }

    /** A transaction signed with {@code privateKey} for the network whose genesis block has {@code genesisHash}. */
    public static Transaction signed(byte[] privateKey, String genesisHash, String sender, String content,
                                     long timestamp) {
        byte[] publicKey = Signatures.publicKey(privateKey);
        byte[] signature = Signatures.sign(privateKey,
                Hashes.signingMessage(genesisHash, sender, content, timestamp, publicKey));
        return Transaction.signed(sender, content, timestamp, Signatures.encode(publicKey), Signatures.encode(signature));
    }

    /**
     * {@code canonical} base64url with a bit set in its last character that no byte uses: a lenient
     * decoder reads the same bytes from it.
     */
    public static String nonCanonical(String canonical) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int last = alphabet.indexOf(canonical.charAt(canonical.length() - 1));
        return canonical.substring(0, canonical.length() - 1) + alphabet.charAt(last + 1);
    }

    /** {@code signed} with its public key written non-canonically: the same id, key bytes and signature. */
    public static Transaction withNonCanonicalKey(Transaction signed) {
        return new Transaction(signed.id(), signed.sender(), signed.content(), signed.timestamp(),
                nonCanonical(signed.publicKey()), signed.signature());
    }

    public static List<Transaction> txs(int count) {
        List<Transaction> transactions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            transactions.add(tx());
        }
        return transactions;
    }

    /** Mines a valid block on {@code parent}. */
    public static Block mine(Block parent, List<Transaction> transactions, long timestamp) {
        return mine(parent.index() + 1, parent.hash(), transactions, timestamp, parent.difficulty());
    }

    public static Block mine(long index, String previousHash, List<Transaction> transactions, long timestamp,
                             int difficulty) {
        BlockHeader header = Block.header(index, timestamp, previousHash, difficulty, transactions, 0);
        long proof = new ProofSearch(header).search(0, 1, () -> false, n -> { }).orElseThrow();
        return Block.seal(header.withProof(proof), transactions);
    }

    /** Mines the block {@code template} describes, as a miner does. */
    public static Block mine(MiningTemplate template) {
        return mine(template.index(), template.previousHash(), template.transactions(), template.timestamp(),
                template.difficulty());
    }

    /** A block with a correct hash that does not meet its difficulty: no work was done. */
    public static Block withoutWork(Block parent, List<Transaction> transactions, long timestamp) {
        BlockHeader header = Block.header(parent.index() + 1, timestamp, parent.hash(), parent.difficulty(),
                transactions, 0);
        long proof = 0;
        while (Difficulty.isMetBy(Hashes.blockHash(header.withProof(proof)), header.difficulty())) {
            proof++;
        }
        return Block.seal(header.withProof(proof), transactions);
    }

    /** {@code length} valid blocks on {@code parent}, one new transaction each, one second apart. */
    public static List<Block> extend(Block parent, int length) {
        List<Block> blocks = new ArrayList<>();
        Block tip = parent;
        for (int i = 0; i < length; i++) {
            tip = mine(tip, List.of(tx()), Math.max(tip.timestamp(), NOW - 3_600_000) + 1_000);
            blocks.add(tip);
        }
        return blocks;
    }
}
