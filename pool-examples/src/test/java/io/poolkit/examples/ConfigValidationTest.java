package io.poolkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.chain.Network;
import io.poolkit.core.guard.GuardSettings;
import io.poolkit.examples.CommandLine.Command;
import io.poolkit.examples.PoolSettings.LedgerKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad option or configuration value stops the start with its own one-line message naming the
 * option (or key), the value and what is allowed.
 */
class ConfigValidationTest {
    // Regtest addresses of a real Bitcoin Core wallet (shared/vectors/bitcoind-regtest/wallet-*.json).
    private static final String REGTEST_ADDRESS = "bcrt1p59e6crpusd5dmnwaht950x25zpncyu67qefmkekz0xwzv3mx7flsurgqu2";
    // A mainnet address from Bitcoin Core's key_io_valid.json.
    private static final String MAINNET_ADDRESS = "bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv";

    @TempDir
    Path dir;
    private Path cookie;

    @BeforeEach
    void writeCookie() throws Exception {
        cookie = dir.resolve(".cookie");
        Files.writeString(cookie, "__cookie__:secret");
    }

    private static String demoError(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "demo";
        System.arraycopy(args, 0, all, 1, args.length);
        return assertThrows(ConfigException.class, () -> CommandLine.parse(all)).getMessage();
    }

    /** A valid pool.json with {@code replace} applied to its text. */
    private String configError(String from, String to) throws Exception {
        String text = validConfig();
        assertTrue(text.contains(from), "the valid config holds " + from);
        Path file = dir.resolve("pool.json");
        Files.writeString(file, text.replace(from, to));
        return assertThrows(ConfigException.class,
                () -> CommandLine.parse("run", "--config", file.toString())).getMessage();
    }

    private String validConfig() {
        return """
                {
                  "network": "regtest",
                  "node": {"url": "http://127.0.0.1:18443/wallet/pool", "cookieFile": "COOKIE"},
                  "payoutAddress": "ADDRESS",
                  "poolTag": "/PoolKit/",
                  "scheme": {"name": "pplns", "n": "2"},
                  "feeBps": 100,
                  "payments": {"thresholdSats": 1000000, "interval": "10m", "maxOutputs": 100},
                  "stratum": {"host": "0.0.0.0", "port": 3333},
                  "difficulty": {"initial": 1, "min": 0.001, "targetShareTime": 10, "retargetInterval": "30s"},
                  "ledger": {"type": "sqlite", "path": "poolkit-data/ledger.db"},
                  "api": {"host": "127.0.0.1", "port": 8080},
                  "statusInterval": 60
                }
                """.replace("COOKIE", cookie.toString().replace("\\", "\\\\")).replace("ADDRESS", REGTEST_ADDRESS);
    }

    // ---- the command line

    @Test
    void theDemoNeedsNoOptionsAndHasDocumentedDefaults() {
        PoolSettings s = ((Command.Demo) CommandLine.parse()).settings();
        assertTrue(s.isDemo());
        assertEquals(Network.REGTEST, s.network());
        assertEquals(3333, s.stratum().port());
        assertTrue(s.stratum().portFallback());
        assertEquals(8080, s.api().port());
        assertEquals(Path.of("poolkit-data", "ledger.db"), s.ledger().path());
        assertEquals(3, s.demo().miners());
        assertEquals(Duration.ofSeconds(20), s.demo().blockInterval());
        assertEquals("pplns", s.scheme());
        assertTrue(s.difficulty().vardiff());
    }

    @Test
    void benchmarkProfileOptionsAreRead() {
        PoolSettings s = ((Command.Demo) CommandLine.parse("demo", "--share-difficulty", "0.0001", "--miners", "0",
                "--ledger", "postgresql", "--ledger-url", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres",
                "--stratum-port=0", "--run-for", "90s")).settings();
        assertEquals(0.0001, s.difficulty().fixed().getAsDouble());
        assertFalse(s.difficulty().vardiff());
        assertEquals(0, s.demo().miners());
        assertEquals(LedgerKind.POSTGRESQL, s.ledger().kind());
        assertEquals(0, s.stratum().port());
        assertFalse(s.stratum().portFallback());
        assertEquals(Duration.ofSeconds(90), s.runFor().orElseThrow());
    }

    @Test
    void withoutFlagsTheDemoRunsTheDefaultGuardAndTheChainMinesNothingItself() {
        PoolSettings s = ((Command.Demo) CommandLine.parse()).settings();
        assertSame(GuardSettings.defaults(), s.guard());
        assertTrue(s.guard().invalidShareBanEnabled() && s.guard().protocolAbuseBanEnabled()
                && s.guard().authFailureBanEnabled());
        assertEquals(Optional.empty(), s.demo().mineEvery());
    }

    @Test
    void noGuardTurnsEveryLimitOff() {
        GuardSettings guard = ((Command.Demo) CommandLine.parse("demo", "--no-guard")).settings().guard();
        assertFalse(guard.enabled());
        assertSame(GuardSettings.disabled(), guard);
    }

    @Test
    void noBansKeepsCapsAndRateLimitsAndTurnsTheThreeBanRulesOff() {
        GuardSettings guard = ((Command.Demo) CommandLine.parse("--no-bans", "--miners", "0")).settings().guard();
        GuardSettings defaults = GuardSettings.defaults();
        assertTrue(guard.enabled());
        assertFalse(guard.invalidShareBanEnabled());
        assertFalse(guard.protocolAbuseBanEnabled());
        assertFalse(guard.authFailureBanEnabled());
        assertEquals(defaults.maxConnections(), guard.maxConnections());
        assertEquals(defaults.maxConnectionsPerAddress(), guard.maxConnectionsPerAddress());
        assertEquals(defaults.connectRate(), guard.connectRate());
        assertEquals(defaults.connectBurst(), guard.connectBurst());
        assertEquals(defaults.submitRate(), guard.submitRate());
        assertEquals(defaults.submitBurst(), guard.submitBurst());
    }

    @Test
    void mineEveryTakesADuration() {
        assertEquals(Duration.ofMillis(1500), ((Command.Demo) CommandLine.parse("demo", "--mine-every", "1.5s"))
                .settings().demo().mineEvery().orElseThrow());
        assertEquals(Duration.ofSeconds(10), ((Command.Demo) CommandLine.parse("--mine-every=10")).settings().demo()
                .mineEvery().orElseThrow());
        assertTrue(demoError("--mine-every", "0").startsWith("invalid --mine-every '0': expected a duration of at "
                + "least 0.1 seconds"), demoError("--mine-every", "0"));
        assertEquals("missing value for --mine-every: expected DURATION (default: never)", demoError("--mine-every"));
    }

    @Test
    void theGuardFlagsTakeNoValueAndExcludeEachOther() {
        assertEquals("invalid --no-guard 'true': expected no value: --no-guard is a flag",
                demoError("--no-guard=true"));
        assertEquals("--no-bans and --no-guard together: expected one of them (--no-guard turns the bans off too)",
                demoError("--no-bans", "--no-guard"));
        // A flag never swallows the next argument as its value.
        PoolSettings s = ((Command.Demo) CommandLine.parse("--no-bans", "--miners", "5")).settings();
        assertEquals(5, s.demo().miners());
    }

    @Test
    void anUnknownOptionIsNamedWithTheKnownOnes() {
        String message = demoError("--minrs", "3");
        assertTrue(message.startsWith("unknown option '--minrs'"), message);
        assertTrue(message.contains("--miners"), message);
    }

    @Test
    void anUnknownCommandIsNamed() {
        String message = assertThrows(ConfigException.class, () -> CommandLine.parse("serve")).getMessage();
        assertEquals("unknown command 'serve': expected one of demo, run, help, version", message);
    }

    @Test
    void aBadNumberNamesTheOptionTheValueAndTheRange() {
        assertEquals("invalid --miners 'abc': expected a whole number from 0 to 64", demoError("--miners", "abc"));
        assertEquals("invalid --miners '65': expected a whole number from 0 to 64", demoError("--miners", "65"));
        assertTrue(demoError("--fee-bps", "1.5").startsWith("invalid --fee-bps '1.5': expected a whole number"));
        assertTrue(demoError("--miner-hashrate", "fast").startsWith("invalid --miner-hashrate 'fast'"));
    }

    @Test
    void zeroOrNegativeWhereAPositiveValueIsNeededIsRefused() {
        assertTrue(demoError("--share-difficulty", "0").startsWith("invalid --share-difficulty '0': expected a "
                + "difficulty > 0"));
        assertTrue(demoError("--share-difficulty", "-1").startsWith("invalid --share-difficulty '-1'"));
        assertTrue(demoError("--block-interval", "0").startsWith("invalid --block-interval '0': expected a duration "
                + "of at least 0.5 seconds"));
        assertTrue(demoError("--payout-threshold", "0").startsWith("invalid --payout-threshold '0': expected a whole "
                + "number of satoshis from 1"));
        assertTrue(demoError("--maturity", "-3").startsWith("invalid --maturity '-3'"));
    }

    @Test
    void aPortOutOfRangeIsRefused() {
        assertEquals("invalid --stratum-port '70000': expected a port from 1 to 65535, or 0 for any free port",
                demoError("--stratum-port", "70000"));
        assertTrue(demoError("--api-port", "-1").startsWith("invalid --api-port '-1'"));
    }

    @Test
    void anUnknownSchemeListsTheAvailableOnes() {
        String message = demoError("--scheme", "pplnz");
        assertTrue(message.startsWith("invalid --scheme 'pplnz': expected one of "), message);
        assertTrue(message.contains("pplns") && message.contains("pps") && message.contains("solo"), message);
    }

    @Test
    void aPluginSchemeWorksByItsName() {
        // ShareCountScheme in the test sources, listed in META-INF/services: the way a user adds a scheme.
        PoolSettings s = ((Command.Demo) CommandLine.parse("demo", "--scheme", "share-count")).settings();
        assertEquals("share-count", s.scheme());
    }

    @Test
    void aBadSchemeSettingIsNamed() {
        String message = demoError("--scheme-option", "n=abc");
        assertTrue(message.startsWith("invalid --scheme-option for scheme 'pplns': "), message);
        assertTrue(message.contains("'n'"), message);
        assertTrue(demoError("--scheme-option", "typo=1").contains("typo"));
        assertEquals("invalid --scheme-option 'n': expected KEY=VALUE, e.g. n=2", demoError("--scheme-option", "n"));
    }

    @Test
    void aValueMissingAtTheEndIsNamed() {
        assertEquals("missing value for --miners: expected N (default: 3)", demoError("--miners"));
    }

    @Test
    void theLedgerOptionsAreChecked() {
        assertEquals("invalid --ledger 'mysql': expected sqlite or postgresql", demoError("--ledger", "mysql"));
        assertTrue(demoError("--ledger", "postgresql").startsWith("missing --ledger-url: expected a PostgreSQL JDBC "
                + "URL"));
        assertTrue(demoError("--ledger", "postgresql", "--ledger-url", "postgres://x").startsWith(
                "invalid --ledger-url 'postgres://x': expected a PostgreSQL JDBC URL"));
    }

    @Test
    void runNeedsAConfigFileThatExists() {
        assertTrue(assertThrows(ConfigException.class, () -> CommandLine.parse("run")).getMessage()
                .startsWith("missing --config"));
        String message = assertThrows(ConfigException.class,
                () -> CommandLine.parse("run", "--config", dir.resolve("nope.json").toString())).getMessage();
        assertTrue(message.startsWith("invalid --config '" + dir.resolve("nope.json") + "': expected an existing file "
                + "(no such file"), message);
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        String help = ((Command.Help) CommandLine.parse("--help")).text();
        for (CommandLine.Option o : CommandLine.DEMO_OPTIONS) {
            assertTrue(help.contains("  " + o.usage() + " "), o.name());
            assertTrue(help.contains("(default: " + o.defaultText() + ")"), o.name());
        }
        assertTrue(help.contains("--config FILE"));
        assertInstanceOf(Command.Version.class, CommandLine.parse("--version"));
    }

    // ---- pool.json

    @Test
    void aValidConfigIsReadWithItsValues() throws Exception {
        Path file = dir.resolve("pool.json");
        Files.writeString(file, validConfig());
        Command.Run run = (Command.Run) CommandLine.parse("run", "--config", file.toString());
        PoolSettings s = run.settings();
        assertFalse(s.isDemo());
        assertEquals(Network.REGTEST, s.network());
        assertEquals(REGTEST_ADDRESS, s.payoutAddress());
        assertEquals(cookie, s.node().orElseThrow().cookieFile().orElseThrow());
        assertEquals(Map.of("n", "2"), s.schemeConfig());
        assertEquals(Duration.ofMinutes(10), s.payments().interval());
        assertEquals(Duration.ofSeconds(30), s.difficulty().retargetInterval());
        assertEquals(100, s.demo().maturity());
    }

    @Test
    void malformedJsonNamesTheLineAndColumn() throws Exception {
        String message = configError("\"feeBps\": 100,", "\"feeBps\": 100,,");
        assertTrue(message.startsWith("pool.json is not valid JSON: "), message);
        assertTrue(message.contains("line 7"), message);
        assertEquals(1, message.lines().count());
    }

    @Test
    void anUnknownKeyIsNamedWithTheKnownOnes() throws Exception {
        assertEquals("unknown key 'stratum.prot' in pool.json: expected one of host, port, proxyProtocol, "
                + "trustedProxies, tls, maxLineLength, subscribeTimeout, idleTimeout, writeBufferLowWaterMark, "
                + "writeBufferHighWaterMark, unwritableTimeout, maxPendingShares, maxSharesInFlight",
                configError("\"port\": 3333", "\"prot\": 3333"));
        assertTrue(configError("\"feeBps\"", "\"fee\"").startsWith("unknown key 'fee' in pool.json"));
    }

    @Test
    void anAddressOfAnotherNetworkIsRefused() throws Exception {
        String message = configError(REGTEST_ADDRESS, MAINNET_ADDRESS);
        assertTrue(message.startsWith("invalid payoutAddress '" + MAINNET_ADDRESS + "' in pool.json: expected an "
                + "address of regtest ("), message);
    }

    @Test
    void anInvalidAddressIsRefused() throws Exception {
        String typo = REGTEST_ADDRESS.substring(0, REGTEST_ADDRESS.length() - 1) + "3";
        assertTrue(configError(REGTEST_ADDRESS, typo).startsWith("invalid payoutAddress '" + typo + "' in pool.json"));
    }

    @Test
    void aBadUrlIsRefused() throws Exception {
        String message = configError("http://127.0.0.1:18443/wallet/pool", "ftp://127.0.0.1:18443");
        assertTrue(message.startsWith("invalid node.url 'ftp://127.0.0.1:18443' in pool.json: expected an http:// URL"),
                message);
        assertTrue(configError("http://127.0.0.1:18443/wallet/pool", "http://user:pw@127.0.0.1:18443")
                .contains("credentials go in their own settings"));
    }

    @Test
    void aPortOutOfRangeInTheConfigIsRefused() throws Exception {
        assertEquals("invalid stratum.port '70000' in pool.json: expected a port from 1 to 65535, or 0 for any free "
                + "port", configError("\"port\": 3333", "\"port\": 70000"));
    }

    @Test
    void aMissingCookieFileIsRefused() throws Exception {
        String message = configError(".cookie\"", ".cookie-missing\"");
        assertTrue(message.startsWith("invalid node.cookieFile '"), message);
        assertTrue(message.contains("no such file"), message);
    }

    @Test
    void anUnknownNetworkOrSchemeInTheConfigIsRefused() throws Exception {
        assertEquals("invalid network 'mainnet2' in pool.json: expected one of main, test, signet, regtest",
                configError("\"regtest\"", "\"mainnet2\""));
        assertTrue(configError("\"name\": \"pplns\"", "\"name\": \"pplnz\"")
                .startsWith("invalid scheme.name 'pplnz' in pool.json: expected one of "));
    }

    @Test
    void wrongTypesAndMissingKeysAreNamed() throws Exception {
        assertEquals("invalid stratum '3333' in pool.json: expected an object {...}",
                configError("\"stratum\": {\"host\": \"0.0.0.0\", \"port\": 3333}", "\"stratum\": 3333"));
        assertTrue(configError("\"payoutAddress\": \"" + REGTEST_ADDRESS + "\",", "")
                .startsWith("missing payoutAddress in pool.json"));
        assertTrue(configError("\"feeBps\": 100", "\"feeBps\": -5")
                .startsWith("invalid feeBps '-5' in pool.json: expected a whole number from 0 to 10000"));
        assertTrue(configError("\"min\": 0.001", "\"min\": 0")
                .startsWith("invalid difficulty.min '0' in pool.json: expected a difficulty > 0"));
    }

    @Test
    void vardiffSettingsAreCheckedAgainstEachOther() throws Exception {
        assertEquals("invalid difficulty.retargetInterval '5' in pool.json: expected a duration from "
                + "difficulty.targetShareTime (10.0 s) to 1 day", configError("\"retargetInterval\": \"30s\"",
                "\"retargetInterval\": 5"));
        assertTrue(configError("\"min\": 0.001", "\"min\": 1e-12")
                .startsWith("invalid difficulty.min 1.0E-12 in pool.json: expected at least 2^-32"));
        assertTrue(configError("\"initial\": 1", "\"initial\": 1e-6")
                .startsWith("invalid difficulty.initial 1.0E-6 in pool.json: expected a difficulty from "
                        + "difficulty.min"));
    }

    @Test
    void tlsFilesMustExist() throws Exception {
        String message = configError("\"port\": 3333}", "\"port\": 3333, \"tls\": {\"port\": 3334, "
                + "\"certificate\": \"missing.pem\", \"key\": \"missing.key\"}}");
        assertTrue(message.startsWith("invalid stratum.tls.certificate 'missing.pem' in pool.json"), message);
    }

    // ---- pool.json: the operating settings

    private PoolSettings config(String from, String to) throws Exception {
        String text = validConfig();
        assertTrue(text.contains(from), "the valid config holds " + from);
        Path file = dir.resolve("pool.json");
        Files.writeString(file, text.replace(from, to));
        return ((Command.Run) CommandLine.parse("run", "--config", file.toString())).settings();
    }

    /** The valid config with {@code "guard": {SECTION}} added. */
    private PoolSettings guardConfig(String section) throws Exception {
        return config("\"statusInterval\": 60", "\"statusInterval\": 60, \"guard\": {" + section + "}");
    }

    private String guardError(String section) throws Exception {
        return configError("\"statusInterval\": 60", "\"statusInterval\": 60, \"guard\": {" + section + "}");
    }

    /** The valid config's stratum section with {@code extra} keys added. */
    private PoolSettings stratumConfig(String extra) throws Exception {
        return config("\"port\": 3333}", "\"port\": 3333, " + extra + "}");
    }

    private String stratumError(String extra) throws Exception {
        return configError("\"port\": 3333}", "\"port\": 3333, " + extra + "}");
    }

    @Test
    void withoutOperatingKeysTheDefaultsApply() throws Exception {
        PoolSettings s = config("\"feeBps\": 100", "\"feeBps\": 100");
        // Built from the file, not the shared instance: every knob equals the default.
        assertEquals(GuardSettings.defaults().toString(), s.guard().toString());
        assertEquals(PoolSettings.ServerLimits.defaults(), s.stratum().limits());
        assertFalse(s.stratum().proxyProtocol());
        assertEquals(List.of(), s.stratum().trustedProxies());
        assertEquals(Optional.empty(), s.stratum().tls());
    }

    @Test
    void everyGuardKeyIsRead() throws Exception {
        GuardSettings g = guardConfig("""
                "maxConnections": 1000, "maxConnectionsPerAddress": 8, "connectRate": 2.5, "connectBurst": 5,
                "submitRate": 50, "submitBurst": 80,
                "invalidShareBan": {"ratio": 0.8, "minimumShares": 40, "window": "5m", "ban": "30m"},
                "protocolAbuseBan": {"strikes": 3, "window": "2m", "ban": "1h"},
                "authFailureBan": {"failures": 10, "window": "30s", "ban": "15m"},
                "banEscalation": {"factor": 3, "longestBan": "2d", "memory": "12h"},
                "exemptLoopback": true, "maxTrackedAddresses": 5000, "ipv6PrefixLength": 56
                """).guard();
        assertTrue(g.enabled());
        assertEquals(1000, g.maxConnections());
        assertEquals(8, g.maxConnectionsPerAddress());
        assertEquals(2.5, g.connectRate());
        assertEquals(5, g.connectBurst());
        assertEquals(50, g.submitRate());
        assertEquals(80, g.submitBurst());
        assertEquals(0.8, g.invalidShareRatio());
        assertEquals(40, g.invalidShareMinimum());
        assertEquals(Duration.ofMinutes(5), g.invalidShareWindow());
        assertEquals(Duration.ofMinutes(30), g.invalidShareBan());
        assertEquals(3, g.protocolStrikes());
        assertEquals(Duration.ofMinutes(2), g.protocolWindow());
        assertEquals(Duration.ofHours(1), g.protocolBan());
        assertEquals(10, g.authFailures());
        assertEquals(Duration.ofSeconds(30), g.authWindow());
        assertEquals(Duration.ofMinutes(15), g.authBan());
        assertEquals(3, g.escalationFactor());
        assertEquals(Duration.ofDays(2), g.longestBan());
        assertEquals(Duration.ofHours(12), g.offenceMemory());
        assertTrue(g.exemptLoopback());
        assertEquals(5000, g.maxTrackedAddresses());
        assertEquals(56, g.ipv6PrefixLength());
    }

    @Test
    void theGuardOrEachBanRuleCanBeTurnedOffAndRateLimitsLifted() throws Exception {
        assertFalse(guardConfig("\"enabled\": false").guard().enabled());
        GuardSettings g = guardConfig("\"invalidShareBan\": {\"enabled\": false}, \"protocolAbuseBan\": "
                + "{\"enabled\": false}, \"connectRate\": 0, \"submitRate\": 0").guard();
        assertTrue(g.enabled());
        assertFalse(g.invalidShareBanEnabled());
        assertFalse(g.protocolAbuseBanEnabled());
        assertTrue(g.authFailureBanEnabled());
        assertEquals(0, g.connectRate());
        assertEquals(0, g.submitRate());
        assertFalse(guardConfig("\"authFailureBan\": {\"enabled\": false}").guard().authFailureBanEnabled());
        // A window longer than the default memory of idle addresses is kept as long as the window.
        GuardSettings longWindow = guardConfig("\"invalidShareBan\": {\"window\": \"1h\"}").guard();
        assertEquals(Duration.ofHours(1), longWindow.idleTimeout());
    }

    @Test
    void aBadGuardValueNamesItsKeyTheValueAndTheRange() throws Exception {
        assertEquals("invalid guard.maxConnectionsPerAddress '0' in pool.json: expected a whole number from 1 to "
                + "10000000", guardError("\"maxConnectionsPerAddress\": 0"));
        assertEquals("invalid guard.connectRate '-1' in pool.json: expected a rate per second from 0.001 to "
                + "1000000, or 0 for no limit", guardError("\"connectRate\": -1"));
        assertEquals("invalid guard.submitBurst '0' in pool.json: expected a whole number from 1 to 1000000",
                guardError("\"submitBurst\": 0"));
        assertEquals("invalid guard.invalidShareBan.ratio '1.5' in pool.json: expected a number from 0.01 to 0.99",
                guardError("\"invalidShareBan\": {\"ratio\": 1.5}"));
        assertEquals("invalid guard.protocolAbuseBan.window '2d' in pool.json: expected a duration from 1 s to 1 "
                + "day, as seconds or with a unit (e.g. 20, 500ms, 20s, 10m, 1h)",
                guardError("\"protocolAbuseBan\": {\"window\": \"2d\"}"));
        assertTrue(guardError("\"authFailureBan\": {\"ban\": 0}").startsWith("invalid guard.authFailureBan.ban "
                + "'0' in pool.json: expected a duration from 1 s to 366 days"));
        assertEquals("invalid guard.authFailureBan.failures '101' in pool.json: expected a whole number from 1 to "
                + "100", guardError("\"authFailureBan\": {\"failures\": 101}"));
        assertEquals("invalid guard.enabled 'yes' in pool.json: expected true or false",
                guardError("\"enabled\": \"yes\""));
        assertEquals("invalid guard.invalidShareBan.enabled 'off' in pool.json: expected true or false",
                guardError("\"invalidShareBan\": {\"enabled\": \"off\"}"));
        assertEquals("invalid guard.ipv6PrefixLength '8' in pool.json: expected a whole number from 16 to 128",
                guardError("\"ipv6PrefixLength\": 8"));
        assertEquals("invalid guard.banEscalation.longestBan '20m' in pool.json: expected at least "
                + "guard.protocolAbuseBan.ban (1 h)", guardError("\"protocolAbuseBan\": {\"ban\": \"1h\"}, "
                + "\"banEscalation\": {\"longestBan\": \"20m\"}"));
        assertTrue(guardError("\"invalidShareBan\": {\"ration\": 0.5}").startsWith("unknown key "
                + "'guard.invalidShareBan.ration' in pool.json: expected one of enabled, ratio, minimumShares, "
                + "window, ban"));
        assertTrue(guardError("\"maxConections\": 5").startsWith("unknown key 'guard.maxConections' in "
                + "pool.json"));
        assertEquals("invalid guard.authFailureBan 'true' in pool.json: expected an object {...}",
                guardError("\"authFailureBan\": true"));
    }

    @Test
    void everyServerLimitIsRead() throws Exception {
        PoolSettings.ServerLimits l = stratumConfig("\"maxLineLength\": 4096, \"subscribeTimeout\": \"20s\", "
                + "\"idleTimeout\": \"5m\", \"writeBufferLowWaterMark\": 16384, \"writeBufferHighWaterMark\": "
                + "131072, \"unwritableTimeout\": 30, \"maxPendingShares\": 32, \"maxSharesInFlight\": 100000")
                .stratum().limits();
        assertEquals(new PoolSettings.ServerLimits(4096, Duration.ofSeconds(20), Duration.ofMinutes(5), 16384, 131072,
                Duration.ofSeconds(30), 32, 100_000), l);
    }

    @Test
    void aBadServerLimitNamesItsKeyTheValueAndTheRange() throws Exception {
        assertEquals("invalid stratum.maxLineLength '10' in pool.json: expected a whole number from 64 to 1048576",
                stratumError("\"maxLineLength\": 10"));
        assertTrue(stratumError("\"subscribeTimeout\": 0").startsWith("invalid stratum.subscribeTimeout '0' in "
                + "pool.json: expected a duration from 1 s to 1 h"));
        assertTrue(stratumError("\"idleTimeout\": \"soon\"").startsWith("invalid stratum.idleTimeout 'soon' in "
                + "pool.json: expected a duration from 1 s to 1 day"));
        assertTrue(stratumError("\"unwritableTimeout\": \"2h\"").startsWith("invalid stratum.unwritableTimeout "
                + "'2h'"));
        assertEquals("invalid stratum.writeBufferHighWaterMark 1000 in pool.json: expected at least "
                + "stratum.writeBufferLowWaterMark (2000 bytes)", stratumError("\"writeBufferLowWaterMark\": 2000, "
                + "\"writeBufferHighWaterMark\": 1000"));
        assertEquals("invalid stratum.maxPendingShares '1' in pool.json: expected a whole number from 2 to 100000",
                stratumError("\"maxPendingShares\": 1"));
        assertEquals("invalid stratum.maxSharesInFlight '3' in pool.json: expected a whole number from 4 to "
                + "10000000", stratumError("\"maxSharesInFlight\": 3"));
        // A low-water mark above the default high one raises the default high one with it.
        assertEquals(100_000, stratumConfig("\"writeBufferLowWaterMark\": 100000").stratum().limits()
                .writeBufferHighWaterMark());
    }

    @Test
    void proxyProtocolAndTrustedProxiesAreReadPerListener() throws Exception {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "certificate");
        Path key = Files.writeString(dir.resolve("key.pem"), "key");
        PoolSettings s = stratumConfig("\"proxyProtocol\": true, \"trustedProxies\": [\"10.0.0.5\", "
                + "\"10.1.0.0/16\", \"2001:db8::/32\"], \"tls\": {\"port\": 3334, \"certificate\": \"" + json(cert)
                + "\", \"key\": \"" + json(key) + "\", \"keyPassword\": \"s3cret\", \"proxyProtocol\": true, "
                + "\"trustedProxies\": [\"192.168.1.0/24\"]}");
        assertTrue(s.stratum().proxyProtocol());
        assertEquals(List.of("10.0.0.5", "10.1.0.0/16", "2001:db8::/32"), s.stratum().trustedProxies());
        PoolSettings.TlsSettings tls = s.stratum().tls().orElseThrow();
        assertEquals(3334, tls.port());
        assertEquals(cert, tls.certificate());
        assertEquals(key, tls.key());
        assertEquals(Optional.of("s3cret"), tls.keyPassword());
        assertFalse(tls.toString().contains("s3cret"), tls.toString());
        assertTrue(tls.proxyProtocol());
        assertEquals(List.of("192.168.1.0/24"), tls.trustedProxies());
        // Without keys: plain TCP, no PROXY protocol, any source.
        PoolSettings.TlsSettings plainTls = stratumConfig("\"tls\": {\"port\": 0, \"certificate\": \""
                + json(cert) + "\", \"key\": \"" + json(key) + "\"}").stratum().tls().orElseThrow();
        assertEquals(0, plainTls.port());
        assertFalse(plainTls.proxyProtocol());
        assertEquals(Optional.empty(), plainTls.keyPassword());
    }

    @Test
    void badProxySettingsAreNamed() throws Exception {
        assertEquals("invalid stratum.trustedProxies '10.0.0.5' in pool.json: expected no trustedProxies without "
                + "stratum.proxyProtocol true", stratumError("\"trustedProxies\": [\"10.0.0.5\"]"));
        assertEquals("invalid stratum.trustedProxies[1] '10.0.0.0/33' in pool.json: expected an IP address or a "
                + "CIDR range, e.g. 10.0.0.5, 10.0.0.0/8 or 2001:db8::/32", stratumError("\"proxyProtocol\": true, "
                + "\"trustedProxies\": [\"10.0.0.1\", \"10.0.0.0/33\"]"));
        assertTrue(stratumError("\"proxyProtocol\": true, \"trustedProxies\": [\"proxy.example.com\"]")
                .startsWith("invalid stratum.trustedProxies[0] 'proxy.example.com'"));
        assertEquals("invalid stratum.trustedProxies '10.0.0.5' in pool.json: expected an array [...] of strings",
                stratumError("\"proxyProtocol\": true, \"trustedProxies\": \"10.0.0.5\""));
        assertEquals("invalid stratum.proxyProtocol '1' in pool.json: expected true or false",
                stratumError("\"proxyProtocol\": 1"));
        Path cert = Files.writeString(dir.resolve("cert.pem"), "certificate");
        assertEquals("invalid stratum.tls.port 3333 in pool.json: expected a port other than stratum.port",
                stratumError("\"tls\": {\"port\": 3333, \"certificate\": \"" + json(cert) + "\", \"key\": \""
                        + json(cert) + "\"}"));
        assertTrue(stratumError("\"tls\": {\"port\": 3334, \"certificate\": \"" + json(cert) + "\"}")
                .startsWith("missing stratum.tls.key in pool.json: expected the private key, a PKCS#8 PEM file"));
        assertTrue(stratumError("\"tls\": {\"port\": 3334, \"certificate\": \"" + json(cert) + "\", \"key\": \""
                + json(cert) + "\", \"trustedProxies\": [\"10.0.0.1\"]}").startsWith("invalid "
                + "stratum.tls.trustedProxies '10.0.0.1' in pool.json: expected no trustedProxies without "
                + "stratum.tls.proxyProtocol true"));
        assertTrue(stratumError("\"tls\": {\"port\": 3334, \"certificate\": \"" + json(cert) + "\", \"key\": \""
                + json(cert) + "\", \"keyPasword\": \"x\"}").startsWith("unknown key 'stratum.tls.keyPasword'"));
    }

    private static String json(Path path) {
        return path.toString().replace("\\", "\\\\");
    }

    @Test
    void aBadValueExitsWithStatusTwoAndOneLine() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ReferencePool.run(new String[] {"demo", "--miners", "abc"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, text.lines().count(), text);
        assertEquals("poolkit: invalid --miners 'abc': expected a whole number from 0 to 64 (see --help)",
                text.strip());
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }
}
