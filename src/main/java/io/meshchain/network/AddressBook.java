package io.meshchain.network;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The addresses of nodes this node could call: the seeds an operator gave (configured peers and
 * what DNS discovery finds) and those learned from peers. It is bounded ({@link #capacity}): when
 * full, a learned address that never answered, or stopped answering, makes room; seeds are never
 * dropped. A peer may add addresses at a limited rate ({@link #RATE_PER_SECOND} a second, in bursts
 * of {@link #BURST}, as Bitcoin Core allows), and each learned address must pass the
 * {@link AddressPolicy}: a stranger cannot fill the book, nor point the node at a forbidden address.
 * <p>
 * An address that failed waits before it is tried again, longer after each failure up to
 * {@link #MAX_BACKOFF_MILLIS}. Thread-safe.
 */
final class AddressBook {

    /** Addresses a peer may add per second, once its burst is spent. */
    static final double RATE_PER_SECOND = 0.1;
    /** Addresses a peer may add at once. */
    static final int BURST = 1_000;
    /** Wait before an address that failed once is tried again; doubled after each further failure. */
    static final long BACKOFF_MILLIS = 30_000;
    static final long MAX_BACKOFF_MILLIS = 600_000;
    /** Sources whose allowance is kept; the least recently heard of is dropped beyond (its allowance refills). */
    private static final int MAX_SOURCES = 4_096;
    /** Failures in a row after which an address that once answered may make room for another. */
    static final int FAILURES_TO_DROP = 3;

    private final Clock clock;
    private final AddressPolicy policy;
    private final int capacity;
    private final Map<URI, Entry> entries = new LinkedHashMap<>();
    private final Map<String, Allowance> allowances = new LinkedHashMap<>(16, 0.75f, true);

    AddressBook(Clock clock, AddressPolicy policy, int capacity) {
        this.clock = clock;
        this.policy = policy;
        this.capacity = capacity;
    }

    private static final class Entry {
        final URI url;
        boolean seed;
        long added;
        int failures;
        long retryAt;
        boolean answered;

        Entry(URI url, boolean seed, long added) {
            this.url = url;
            this.seed = seed;
            this.added = added;
        }
    }

    /** A peer's allowance of new addresses: a token bucket. */
    private static final class Allowance {
        double tokens = BURST;
        long updated;

        Allowance(long now) {
            updated = now;
        }

        boolean take(long now) {
            // A clock set back adds nothing, and takes nothing.
            tokens = Math.min(BURST, tokens + Math.max(0, now - updated) / 1000.0 * RATE_PER_SECOND);
            updated = Math.max(updated, now);
            if (tokens < 1) {
                return false;
            }
            tokens--;
            return true;
        }
    }

    /** The operator's address: kept whatever happens, tried before learned ones. */
    synchronized void addSeed(URI url) {
        Entry entry = entries.get(url);
        if (entry != null) {
            entry.seed = true;
            return;
        }
        entries.put(url, new Entry(url, true, clock.millis()));
    }

    /**
     * Takes the addresses {@code source} (a peer's network, or a caller's) told this node of, as far as
     * its allowance goes and the policy lets them; returns how many were new and taken. The policy may
     * resolve names, which may take seconds: it runs without the book's lock.
     */
    int learn(String source, Collection<URI> urls) {
        List<URI> allowed = new ArrayList<>();
        synchronized (this) {
            long now = clock.millis();
            Allowance allowance = allowances.computeIfAbsent(source, s -> new Allowance(now));
            if (allowances.size() > MAX_SOURCES) {
                allowances.remove(allowances.keySet().iterator().next());
            }
            for (URI url : urls) {
                if (entries.containsKey(url) || allowed.contains(url)) {
                    continue;
                }
                if (!allowance.take(now)) {
                    break;
                }
                allowed.add(url);
            }
        }
        List<URI> passing = allowed.stream().filter(url -> policy.refusal(url).isEmpty()).toList();
        int taken = 0;
        synchronized (this) {
            long now = clock.millis();
            for (URI url : passing) {
                if (!entries.containsKey(url) && makeRoom()) {
                    entries.put(url, new Entry(url, false, now));
                    taken++;
                }
            }
        }
        return taken;
    }

    /**
     * Makes room for one more address when the book is full: drops the learned address least worth
     * keeping, one that never answered or has failed {@link #FAILURES_TO_DROP} times in a row since it
     * last did (the most failures, then the oldest). Seeds are never dropped.
     */
    private boolean makeRoom() {
        if (entries.size() < capacity) {
            return true;
        }
        return entries.values().stream()
                .filter(entry -> !entry.seed && (!entry.answered || entry.failures >= FAILURES_TO_DROP))
                .min(Comparator.comparingInt((Entry entry) -> -entry.failures).thenComparingLong(entry -> entry.added))
                .map(entry -> entries.remove(entry.url) != null).orElse(false);
    }

    /**
     * Up to {@code max} addresses to call, not among {@code exclude} and not waiting after a failure:
     * seeds first, then those that answered before, then the rest, the fewest failures and oldest first.
     */
    synchronized List<URI> candidates(Set<URI> exclude, int max) {
        long now = clock.millis();
        List<Entry> ready = new ArrayList<>();
        for (Entry entry : entries.values()) {
            if (!exclude.contains(entry.url) && now >= entry.retryAt) {
                ready.add(entry);
            }
        }
        ready.sort(Comparator.comparing((Entry entry) -> !entry.seed).thenComparing(entry -> !entry.answered)
                .thenComparingInt(entry -> entry.failures).thenComparingLong(entry -> entry.added));
        return ready.stream().limit(max).map(entry -> entry.url).toList();
    }

    /** Whether {@code url} may be tried now: it is known, and not waiting after a failure. */
    synchronized boolean mayTry(URI url) {
        Entry entry = entries.get(url);
        return entry != null && clock.millis() >= entry.retryAt;
    }

    /** Whether {@code url} is an operator's address. */
    synchronized boolean isSeed(URI url) {
        Entry entry = entries.get(url);
        return entry != null && entry.seed;
    }

    synchronized void answered(URI url) {
        Entry entry = entries.get(url);
        if (entry != null) {
            entry.answered = true;
            entry.failures = 0;
            entry.retryAt = 0;
        }
    }

    /** An attempt failed: the address waits before it is tried again. */
    synchronized void failed(URI url) {
        Entry entry = entries.get(url);
        if (entry != null) {
            entry.failures++;
            long backoff = Math.min(MAX_BACKOFF_MILLIS, BACKOFF_MILLIS << Math.min(entry.failures - 1, 20));
            entry.retryAt = clock.millis() + backoff;
        }
    }

    /** Drops an address for good: it is this node itself, or another address of a peer already held. */
    synchronized void forget(URI url) {
        entries.remove(url);
    }

    synchronized int size() {
        return entries.size();
    }

    synchronized boolean contains(URI url) {
        return entries.containsKey(url);
    }

    /**
     * The network an address is in, which the allowance of new addresses is kept by: its first two
     * bytes for IPv4 (a /16), four for IPv6 (a /32), as Bitcoin Core groups peers; a name as it is.
     * A stranger with many addresses in one network then has one allowance, not one per address.
     */
    static String netgroup(String host) {
        if (host == null) {
            return "unknown";
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!AddressPolicy.isLiteral(bare)) {
            return bare;
        }
        try {
            byte[] bytes = InetAddress.getByName(bare).getAddress();
            int keep = bytes.length == 4 ? 2 : 4;
            StringBuilder group = new StringBuilder(bytes.length == 4 ? "ipv4:" : "ipv6:");
            for (int i = 0; i < keep; i++) {
                group.append(bytes[i] & 0xff).append(i < keep - 1 ? "." : "");
            }
            return group.toString();
        } catch (UnknownHostException e) {
            return bare;
        }
    }
}
