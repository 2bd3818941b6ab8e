package io.meshchain.storage;

import io.meshchain.ledger.Block;
import io.meshchain.ledger.PendingTransaction;
import io.meshchain.ledger.Transaction;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The binary form of the records in the ledger's logs. Strings are written with
 * {@link DataOutputStream#writeUTF}, which round-trips every Java string exactly; hashes as their
 * 32 bytes. A record that does not decode completely is reported, never guessed at.
 */
final class LedgerCodec {

    /** Record kind in the block log: the chain from the first block's index on is these blocks. */
    static final byte BLOCKS = 1;
    /** Record kind in the pending journal: a transaction entered the pool. */
    static final byte PENDING = 2;

    private static final HexFormat HEX = HexFormat.of();

    private LedgerCodec() {
    }

    static byte[] encodeBlocks(List<Block> blocks) {
        return write(out -> {
            out.writeByte(BLOCKS);
            out.writeInt(blocks.size());
            for (Block block : blocks) {
                out.writeLong(block.index());
                out.writeLong(block.timestamp());
                out.write(HEX.parseHex(block.previousHash()));
                out.writeInt(block.difficulty());
                out.writeLong(block.proof());
                out.write(HEX.parseHex(block.hash()));
                out.writeInt(block.transactions().size());
                for (Transaction transaction : block.transactions()) {
                    writeTransaction(out, transaction);
                }
            }
        });
    }

    static List<Block> decodeBlocks(byte[] payload) throws IOException {
        DataInputStream in = open(payload, BLOCKS);
        int count = in.readInt();
        List<Block> blocks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long index = in.readLong();
            long timestamp = in.readLong();
            String previousHash = readHash(in);
            int difficulty = in.readInt();
            long proof = in.readLong();
            String hash = readHash(in);
            int transactionCount = in.readInt();
            List<Transaction> transactions = new ArrayList<>(transactionCount);
            for (int t = 0; t < transactionCount; t++) {
                transactions.add(readTransaction(in));
            }
            blocks.add(new Block(index, timestamp, previousHash, difficulty, proof, transactions, hash));
        }
        expectEnd(in);
        return blocks;
    }

    static byte[] encodePending(PendingTransaction pending) {
        return write(out -> {
            out.writeByte(PENDING);
            writeTransaction(out, pending.transaction());
            out.writeLong(pending.waitingSince());
        });
    }

    static PendingTransaction decodePending(byte[] payload) throws IOException {
        DataInputStream in = open(payload, PENDING);
        PendingTransaction pending = new PendingTransaction(readTransaction(in), in.readLong());
        expectEnd(in);
        return pending;
    }

    private static void writeTransaction(DataOutputStream out, Transaction transaction) throws IOException {
        out.write(HEX.parseHex(transaction.id()));
        out.writeUTF(transaction.sender());
        out.writeUTF(transaction.content());
        out.writeLong(transaction.timestamp());
    }

    private static Transaction readTransaction(DataInputStream in) throws IOException {
        String id = readHash(in);
        return new Transaction(id, in.readUTF(), in.readUTF(), in.readLong());
    }

    private static String readHash(DataInputStream in) throws IOException {
        byte[] hash = new byte[32];
        in.readFully(hash);
        return HEX.formatHex(hash);
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
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }
}
