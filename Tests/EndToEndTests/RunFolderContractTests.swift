import Foundation
import Testing
import BenchResults

/// The run folder is a contract: scripts, notebooks and `bench report` of other versions read
/// these files by name and these columns by name. The expected text below is what the published
/// runs under results/ hold; a change here is a change of the format, never a refactoring.
@Suite(.serialized) struct RunFolderContractTests {
    static let runsHeader = "run_id,host,suite,workload,allocator,allocator_version,threads,rep,n,ns_per_op,bytes_per_op,"
        + "allocs_per_op,status,error,Alloc,TotalAlloc,Sys,Mallocs,Frees,HeapAlloc,HeapSys,HeapIdle,HeapInuse,"
        + "HeapReleased,HeapObjects,StackInuse,StackSys,MSpanInuse,MSpanSys,MCacheInuse,MCacheSys,BuckHashSys,GCSys,"
        + "OtherSys,NextGC,LastGC,PauseTotalNs,NumGC,NumForcedGC,GCCPUFraction,peak_rss_bytes,minor_faults,major_faults,"
        + "vol_ctx_switches,invol_ctx_switches,user_s,sys_s,counted_ns_per_op,metrics,started_at"
        // Columns are only ever appended: the instruction pass's, the hardware counters', the latency
        // pass's and the timed pass's batches.
        + ",instructions_per_op,l1d_misses_per_op,ll_misses_per_op,est_cycles_per_op,hw_instructions_per_op,"
        + "hw_cycles_per_op,hw_branch_misses_per_op,hw_cache_misses_per_op"
        + ",alloc_p50_ns,alloc_p99_ns,alloc_p999_ns,alloc_max_ns,free_p50_ns,free_p99_ns,free_p999_ns,free_max_ns,"
        + "latency_ns_per_op,op_p50_ns,op_p90_ns,op_p99_ns"
    static let summaryHeader = "suite,workload,allocator,threads,metric,n,median,ci95_lower,ci95_upper,min,max,mad_pct,"
        + "unstable,modes,host,run_id,commit"
    static let memStatsHeader = "run_id,host,suite,workload,allocator,threads,rep,tick,Alloc,TotalAlloc,Sys,Mallocs,"
        + "Frees,HeapAlloc,HeapSys,HeapIdle,HeapInuse,HeapReleased,HeapObjects,StackInuse,StackSys,MSpanInuse,MSpanSys,"
        + "MCacheInuse,MCacheSys,BuckHashSys,GCSys,OtherSys,NextGC,LastGC,PauseTotalNs,NumGC,NumForcedGC,GCCPUFraction,"
        + "rss_bytes,elapsed_s,live_bytes"

    @Test func aRunWritesTheFilesAndColumnsItAlwaysHas() throws {
        let out = BenchCommand.scratch("contract")
        let run = try BenchCommand.bench(["--filter", "^(BigStruct/CopyIt|Sawtooth/QuarterMiBPerTick)$", "--allocators", "system",
                                          "--count", "1", "--benchtime", "100x", "--out", out])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(files == ["bench.txt", "charts", "index.html", "logs", "memstats-changes.md", "memstats.csv", "params.json",
                          "report.md", "runs.csv", "summary.csv", "summary.json"])
        func header(_ file: String) throws -> String {
            try String(contentsOfFile: "\(out)/\(file)", encoding: .utf8).split(separator: "\n").first.map(String.init) ?? ""
        }
        #expect(try header("runs.csv") == Self.runsHeader)
        #expect(try header("summary.csv") == Self.summaryHeader)
        #expect(try header("memstats.csv") == Self.memStatsHeader)
        #expect(run.stdout.contains("results: \(out) (index.html, report.md, charts/, runs.csv, summary.csv, summary.json, bench.txt, params.json)"))
        // The tests run a debug bench: every file that carries numbers says so.
        #expect(try String(contentsOfFile: "\(out)/params.json", encoding: .utf8).contains("\"build\" : \"debug\""))
        #expect(try String(contentsOfFile: "\(out)/bench.txt", encoding: .utf8).contains("\nbuild: debug\n"))
        #expect(try String(contentsOfFile: "\(out)/report.md", encoding: .utf8).contains("Measured with a debug build"))
        #expect(try String(contentsOfFile: "\(out)/index.html", encoding: .utf8).contains("Measured with a debug build"))
    }
}
