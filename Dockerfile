# meshchain node image. Build: docker build -t meshchain:0.1.0 .
# Stage 1 builds the jar with the Maven wrapper and splits it into Spring Boot's layers;
# stage 2 runs it on a JRE as a non-root user, with the ledger on a volume.

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
# Dependencies first: this layer is rebuilt only when the build files change.
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -q dependency:go-offline
COPY application.yml ./
COPY src src
# RocksDB's jar carries its native library for fifteen systems (84 MB of the jar's 124); the image
# keeps the two it can run, Linux with glibc (the base image's) on x86-64 and arm64.
RUN ./mvnw -B -q -DskipTests package \
 && java -Djarmode=tools -jar target/meshchain.jar extract --layers --destination target/layers \
 && rocksdb=$(echo /src/target/layers/dependencies/lib/rocksdbjni-*.jar) \
 && mkdir target/rocksdb \
 && (cd target/rocksdb && jar xf "$rocksdb") \
 && mv target/rocksdb/META-INF/MANIFEST.MF target/rocksdb.mf \
 && find target/rocksdb -maxdepth 1 -name 'librocksdbjni-*' \
      ! -name librocksdbjni-linux64.so ! -name librocksdbjni-linux-aarch64.so -delete \
 && jar --create --file "$rocksdb" --manifest target/rocksdb.mf -C target/rocksdb . \
 && rm -r target/rocksdb target/rocksdb.mf

FROM eclipse-temurin:17-jre
# uid 10001 is above the system range: an ordinary account, without a home directory of its own.
RUN groupadd --gid 10001 meshchain \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /app --shell /usr/sbin/nologin meshchain \
 && mkdir -p /data \
 && chown 10001:10001 /data
WORKDIR /app
# From least to most often changed, so a code change rebuilds only the last layers.
COPY --from=build /src/target/layers/dependencies/ ./
COPY --from=build /src/target/layers/spring-boot-loader/ ./
COPY --from=build /src/target/layers/snapshot-dependencies/ ./
COPY --from=build /src/target/layers/application/ ./
# The node runs with the bean definitions Spring AOT worked out at build time, and with a
# class-data-sharing archive from a training run that stops after start-up: together they bring a
# node to ready in about 2.2 s instead of 5 s. The archive holds compressed object pointers, as the
# node runs with them (below). The training run's ledger and scratch files are thrown away.
RUN java -XX:ArchiveClassesAtExit=meshchain.jsa -XX:+UseCompressedOops -XX:-UsePerfData --add-modules jdk.incubator.vector \
      -Dspring.aot.enabled=true -Dspring.context.exit=onRefresh -jar meshchain.jar \
      --meshchain.storage.path=/tmp/training --server.port=0 \
 && rm -rf /tmp/training /tmp/tomcat* /tmp/hsperfdata_*
# RocksDB's threads allocate natively: two malloc arenas instead of one per core keep that from
# fragmenting.
ENV MALLOC_ARENA_MAX=2 \
    SERVER_ADDRESS=0.0.0.0 \
    MESHCHAIN_STORAGE_PATH=/data
VOLUME /data
EXPOSE 8080
USER 10001:10001
# The heap is a share of the container's memory limit, with compressed object pointers even where
# no limit is set on a large host (the heap then stops short of 32 GB; without them the JVM would
# ignore the class-data archive); peers' DNS names are resolved again every 5 s. The options are
# given here rather than in JAVA_TOOL_OPTIONS, which makes every JVM print them first on stderr,
# before the first JSON line of the logs. More options: JDK_JAVA_OPTIONS.
# The jar's manifest opens the JDK's SHA-256 to the miner (one compression per attempt), and the
# Vector API (an incubator module in Java 17) lets it hash 16 proofs at once where the CPU has
# AVX-512, at difficulties of 16 bits and more: 1.4 to 1.6 times the rate. The JVM says so in one
# plain-text line on stderr at start, "WARNING: Using incubator modules", the only line of the log
# that is not JSON.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+UseCompressedOops", "-XX:+ExitOnOutOfMemoryError", \
            "--add-modules", "jdk.incubator.vector", \
            "-Dsun.net.inetaddr.ttl=5", "-XX:SharedArchiveFile=meshchain.jsa", "-Dspring.aot.enabled=true", \
            "-jar", "meshchain.jar"]
