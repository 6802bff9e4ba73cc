import Foundation
import Testing
@testable import BenchResults

@Suite struct RunParametersTests {
    /// What `bench run` wrote before params.json used snake_case (a published run's file).
    static let older = """
        {"allocators": [{"name": "system", "version": "glibc 2.36"}], "benchtime": "1s", "cells": 2,
         "commandLine": ["bench"], "count": 1, "failedCells": 0, "finishedAt": "2026-11-23T08:24:00Z",
         "machine": {"arch": "amd64", "commit": "abc", "cores": 2, "cpu": "AMD EPYC", "host": "vm", "kernel": "6.1", "os": "linux"},
         "plugins": [], "runID": "2026-11-23T08-23-52Z", "schemaVersion": 1, "startedAt": "2026-11-23T08:23:52Z",
         "threads": [1], "timeout": "2m0s", "workloads": ["BigStruct/CopyIt"]}
        """

    @Test func olderCamelCaseFilesStillRead() throws {
        let parameters = try JSONDecoder().decode(RunParameters.self, from: Data(Self.older.utf8))
        #expect(parameters.runID == "2026-11-23T08-23-52Z" && parameters.failedCells == 0)
        #expect(parameters.machine.cpu == "AMD EPYC" && parameters.build == nil && parameters.shard == nil)
    }

    @Test func filesAreSnakeCaseWithNullForWhatIsAbsent() throws {
        var parameters = try JSONDecoder().decode(RunParameters.self, from: Data(Self.older.utf8))
        parameters.build = .release
        let text = parameters.json()
        #expect(text.contains("\"run_id\" : \"2026-11-23T08-23-52Z\"") && text.contains("\"failed_cells\" : 0"))
        #expect(text.contains("\"shard\" : null") && text.contains("\"library\" : null"))
        #expect(!text.contains("runID") && !text.contains("\"\""))
        let again = try JSONDecoder().decode(RunParameters.self, from: Data(text.utf8))
        #expect(again.json() == text)
    }
}
