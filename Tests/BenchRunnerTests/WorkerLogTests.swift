import Testing
@testable import BenchRunner

/// What the error column says of a failed worker: the line that explains it.
@Suite struct WorkerLogTests {
    @Test func aCrashLogIsSummarisedByItsRuntimeErrorNotItsBacktrace() {
        let log = """
        Swift/ContiguousArrayBuffer.swift:692: Fatal error: Index out of range

        *** Signal 4: Backtracing from 0x7f06b1d6df7f... done ***

        *** Program crashed: Illegal instruction at 0x00007f06b1d6df7f ***
        Thread 0 "bench-fixtures" crashed:
          0      0x00007f06b1d6df7f closure #1 in _assertionFailure + 623 in libswiftCore.so
        Backtrace took 0.05s
        """
        #expect(RunFolder.diagnosis(of: log)
            == "Swift/ContiguousArrayBuffer.swift:692: Fatal error: Index out of range | *** Program crashed: Illegal instruction at 0x00007f06b1d6df7f ***")
    }

    @Test func otherOutputIsSummarisedByItsLastLines() {
        #expect(RunFolder.diagnosis(of: "one\ntwo\n\nthree\nfour\n") == "two | three | four")
    }
}
