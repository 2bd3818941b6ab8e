package io.meshchain.storage;

import io.meshchain.crypto.Hex;
import io.meshchain.crypto.Signatures;
import io.meshchain.ledger.PendingTransaction;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of the records in the ledger's logs. Strings are written with
 * {@link DataOutputStream#writeUTF}, which round-trips every Java string exactly; hashes as their
 * 32 bytes. A record that does not decode completely is reported, never guessed at.
 * <p>
 * A block record is its kind, a count, then each block's bytes one after another. Each block's
 * bytes decode on their own ({@link #decodeBlock}), so the index can point at one block inside a
 * record and have it read back without the rest.
 */
final class LedgerCodec {

    /** Record kind in the block log: the chain from the first block's index on is these blocks. */
    static final byte BLOCKS = 1;
    /** Record kind in the pool journal: a transaction entered the pool. */
    static final byte PENDING = 2;
    /**
     * Record kind in the pool journal: transactions of blocks a reorganisation abandoned went back
     * to the front of the pool, ahead of everything pending then.
     */
    static final byte RETURNED = 3;

    /**
     * Record kinds of the pool journal like {@link #PENDING} and {@link #RETURNED}, whose
     * transactions each carry a flag and, when signed, their key and signature. Written only when a
     * record holds a signed transaction, so that pool journals of unsigned ones read as before.
     */
    static final byte PENDING_SIGNED = 4;
    static final byte RETURNED_SIGNED = 5;
    /**
     * First byte of a block holding a signed transaction; its transactions then each carry a flag
     * and, when signed, their key and signature. A block without one starts with its height's top
     * byte, never this (heights are positive), and reads as before.
     */
    static final byte SIGNED_BLOCK = (byte) 0xFF;
    private static final byte UNSIGNED_TRANSACTION = 0;
    private static final byte SIGNED_TRANSACTION = 1;

    /** Room made for each block when a record is written, so the buffer rarely grows: a full block of 5 takes about 430. */
    private static final int EXPECTED_BLOCK_BYTES = 512;

    private LedgerCodec() {
    }

    /**
     * A block record and where each of its blocks lies in it.
     *
     * @param payload the record
     * @param offsets where each block's bytes start in the payload
     * @param lengths how many bytes each block takes
     */
    record EncodedBlocks(byte[] payload, int[] offsets, int[] lengths) {
    }

    /** A block record as read back: the blocks, and where each lies in the payload. */
    record DecodedBlocks(List<Block> blocks, int[] offsets, int[] lengths) {
    }

    /** A record of the pool journal: the transactions it adds, and whether they go to the front. */
    record PoolJournalRecord(List<PendingTransaction> transactions, boolean returned) {
    }

    static EncodedBlocks encodeBlocks(List<Block> blocks) {
        int[] offsets = new int[blocks.size()];
        int[] lengths = new int[blocks.size()];
        byte[] payload = write(EXPECTED_BLOCK_BYTES * blocks.size(), out -> {
            out.writeByte(BLOCKS);
            out.writeInt(blocks.size());
            for (int i = 0; i < blocks.size(); i++) {
                offsets[i] = out.size();
                writeBlock(out, blocks.get(i));
                lengths[i] = out.size() - offsets[i];
            }
        });
        return new EncodedBlocks(payload, offsets, lengths);
    }

    static DecodedBlocks decodeBlocks(byte[] payload) throws IOException {
        DataInputStream in = open(payload, BLOCKS);
        int count = in.readInt();
        if (count < 0 || count > payload.length) {
            throw new IOException("block record claims " + count + " blocks");
        }
        List<Block> blocks = new ArrayList<>(count);
        int[] offsets = new int[count];
        int[] lengths = new int[count];
        for (int i = 0; i < count; i++) {
            offsets[i] = payload.length - in.available();
            blocks.add(readBlock(in));
            lengths[i] = payload.length - in.available() - offsets[i];
        }
        expectEnd(in);
        return new DecodedBlocks(blocks, offsets, lengths);
    }

    /** One block's bytes, as cut from a block record: {@code length} bytes at {@code offset}. */
    static Block decodeBlock(byte[] bytes, int offset, int length) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, offset, length));
        Block block = readBlock(in);
        expectEnd(in);
        return block;
    }

    private static void writeBlock(DataOutputStream out, Block block) throws IOException {
        boolean signed = anySigned(block.transactions());
        if (signed) {
            out.writeByte(SIGNED_BLOCK);
        }
        out.writeLong(block.index());
        out.writeLong(block.timestamp());
        out.write(Hex.decode32(block.previousHash()));
        out.writeInt(block.difficulty());
        out.writeLong(block.proof());
        out.write(Hex.decode32(block.hash()));
        out.writeInt(block.transactions().size());
        for (Transaction transaction : block.transactions()) {
            writeTransaction(out, transaction, signed);
        }
    }

    private static Block readBlock(DataInputStream in) throws IOException {
        in.mark(1);
        boolean signed = in.readByte() == SIGNED_BLOCK;
        if (!signed) {
            in.reset();
        }
        long index = in.readLong();
        long timestamp = in.readLong();
        String previousHash = readHash(in);
        int difficulty = in.readInt();
        long proof = in.readLong();
        String hash = readHash(in);
        int transactionCount = in.readInt();
        if (transactionCount < 0 || transactionCount > in.available()) {
            throw new IOException("block " + index + " claims " + transactionCount + " transactions");
        }
        List<Transaction> transactions = new ArrayList<>(transactionCount);
        for (int t = 0; t < transactionCount; t++) {
            transactions.add(readTransaction(in, signed));
        }
        return new Block(index, timestamp, previousHash, difficulty, proof, transactions, hash);
    }

    static byte[] encodePending(PendingTransaction pending) {
        boolean signed = pending.transaction().isSigned();
        return write(out -> {
            out.writeByte(signed ? PENDING_SIGNED : PENDING);
            writePending(out, pending, signed);
        });
    }

    static byte[] encodeReturned(List<PendingTransaction> returned) {
        boolean signed = anySigned(returned.stream().map(PendingTransaction::transaction).toList());
        return write(out -> {
            out.writeByte(signed ? RETURNED_SIGNED : RETURNED);
            out.writeInt(returned.size());
            for (PendingTransaction pending : returned) {
                writePending(out, pending, signed);
            }
        });
    }

    static PoolJournalRecord decodePoolJournalRecord(byte[] payload) throws IOException {
        byte kind = payload.length > 0 ? payload[0] : PENDING;
        boolean signed = kind == PENDING_SIGNED || kind == RETURNED_SIGNED;
        if (kind == RETURNED || kind == RETURNED_SIGNED) {
            DataInputStream in = open(payload, kind);
            int count = in.readInt();
            if (count < 0 || count > payload.length) {
                throw new IOException("returned-transactions record claims " + count + " transactions");
            }
            List<PendingTransaction> returned = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                returned.add(readPending(in, signed));
            }
            expectEnd(in);
            return new PoolJournalRecord(returned, true);
        }
        DataInputStream in = open(payload, signed ? PENDING_SIGNED : PENDING);
        PendingTransaction pending = readPending(in, signed);
        expectEnd(in);
        return new PoolJournalRecord(List.of(pending), false);
    }

    private static boolean anySigned(List<Transaction> transactions) {
        for (Transaction transaction : transactions) {
            if (transaction.isSigned()) {
                return true;
            }
        }
        return false;
    }

    private static void writePending(DataOutputStream out, PendingTransaction pending, boolean flagged)
            throws IOException {
        writeTransaction(out, pending.transaction(), flagged);
        out.writeLong(pending.waitingSince());
    }

    private static PendingTransaction readPending(DataInputStream in, boolean flagged) throws IOException {
        return new PendingTransaction(readTransaction(in, flagged), in.readLong());
    }

    /** A transaction; when {@code flagged}, followed by whether it is signed and, if so, its key and signature. */
    private static void writeTransaction(DataOutputStream out, Transaction transaction, boolean flagged)
            throws IOException {
        out.write(Hex.decode32(transaction.id()));
        out.writeUTF(transaction.sender());
        out.writeUTF(transaction.content());
        out.writeLong(transaction.timestamp());
        if (flagged) {
            if (transaction.isSigned()) {
                out.writeByte(SIGNED_TRANSACTION);
                out.write(Signatures.decode(transaction.publicKey(), Signatures.PUBLIC_KEY_BYTES));
                out.write(transaction.signatureBytes());
            } else {
                out.writeByte(UNSIGNED_TRANSACTION);
            }
        }
    }

    private static Transaction readTransaction(DataInputStream in, boolean flagged) throws IOException {
        String id = readHash(in);
        String sender = in.readUTF();
        String content = in.readUTF();
        long timestamp = in.readLong();
        if (!flagged) {
            return new Transaction(id, sender, content, timestamp);
        }
        byte flag = in.readByte();
        if (flag == UNSIGNED_TRANSACTION) {
            return new Transaction(id, sender, content, timestamp);
        }
        if (flag != SIGNED_TRANSACTION) {
            throw new IOException("transaction " + id + " has flag " + flag);
        }
        byte[] key = new byte[Signatures.PUBLIC_KEY_BYTES];
        in.readFully(key);
        byte[] signature = new byte[Signatures.SIGNATURE_BYTES];
        in.readFully(signature);
        return new Transaction(id, sender, content, timestamp, Signatures.encode(key), Signatures.encode(signature));
    }

    private static String readHash(DataInputStream in) throws IOException {
        byte[] hash = new byte[32];
        in.readFully(hash);
        return Hex.encode(hash);
    }

    private static DataInputStream open(byte[] payload, byte kind) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        byte actual = in.readByte();
        if (actual != kind) {
            throw new IOException("record of kind " + actual + " where kind " + kind + " was expected");
        }
        return in;
    }

    private static void expectEnd(DataInputStream in) throws IOException {
        if (in.available() != 0) {
            throw new IOException(in.available() + " unexpected bytes at the end of a record");
        }
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] write(Writer writer) {
        return write(256, writer);
    }

    private static byte[] write(int expectedBytes, Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(expectedBytes);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }
}
