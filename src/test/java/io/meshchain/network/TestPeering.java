package io.meshchain.network;

import io.meshchain.system.PeerSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Random;

/** A {@link Peering} as a node builds it, with the default settings and a fixed seed for its picks. */
final class TestPeering {

    private TestPeering() {
    }

    static Peering of(PeerDirectory directory, Clock clock) {
        return of(directory, clock, PeerSettings.defaults(), null, new SimpleMeterRegistry());
    }

    static Peering of(PeerDirectory directory, Clock clock, PeerSettings settings, URI advertised,
                      MeterRegistry meters) {
        return new Peering(directory, settings, advertised,
                new AddressPolicy(settings.allowed(), true, host -> new InetAddress[] {InetAddress.getByName(host)}), clock,
                meters, new Random(7), Runnable::run);
    }
}
