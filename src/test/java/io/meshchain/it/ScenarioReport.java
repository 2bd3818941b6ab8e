package io.meshchain.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The table a fault run ends with: scenario, acknowledged, lost, duplicated, seconds to agreement. */
final class ScenarioReport {

    static final Path FILE = Path.of("target", "fault-report.txt");

    private final List<String> rows = new ArrayList<>();

    synchronized void add(String scenario, Agreement.Outcome outcome) {
        rows.add(String.format("%-34s %8d %6d %11d %22.1f", scenario, outcome.acknowledged(), outcome.lost(),
                outcome.duplicated(), outcome.seconds()));
    }

    synchronized String table() {
        StringBuilder table = new StringBuilder(String.format("%-34s %8s %6s %11s %22s%n", "scenario", "acked", "lost",
                "duplicated", "seconds to agreement"));
        rows.forEach(row -> table.append(row).append(System.lineSeparator()));
        return table.toString();
    }

    synchronized void print() {
        String table = table();
        System.out.println(table);
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, table);
        } catch (IOException e) {
            System.out.println("could not write " + FILE + ": " + e);
        }
    }
}
