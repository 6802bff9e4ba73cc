#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import BenchKit

@Suite struct MessageChannelTests {
    func pair() -> (MessageChannel, MessageChannel) {
        var fds: [Int32] = [0, 0]
        precondition(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        return (MessageChannel(fd: fds[0]), MessageChannel(fd: fds[1]))
    }

    @Test func requestsAndRepliesRoundTrip() throws {
        var (runner, worker) = pair()
        defer { close(runner.fd); close(worker.fd) }
        let request = WorkerRequest.run(CellRequest(workload: "S/W", allocator: .jemalloc, threads: 4,
                                                    pass: .counting(iterations: [1, 100, 10_000])))
        try runner.send(request)
        #expect(try worker.receive(WorkerRequest.self) == request)
        try worker.send(WorkerReply.failure("no such workload"))
        #expect(try runner.receive(WorkerReply.self, deadline: monotonicNanoseconds() + 1_000_000_000) == .failure("no such workload"))
    }

    @Test func anotherProtocolVersionIsRefusedWithAHint() throws {
        var (runner, worker) = pair()
        defer { close(runner.fd); close(worker.fd) }
        let line = Array("{\"protocolVersion\": 999, \"body\": {}}\n".utf8)
        _ = line.withUnsafeBytes { write(worker.fd, $0.baseAddress, $0.count) }
        #expect {
            _ = try runner.receive(WorkerReply.self, deadline: monotonicNanoseconds() + 1_000_000_000)
        } throws: { error in
            guard case MessageChannel.ReadError.malformed(let reason) = error else { return false }
            return reason.contains("rebuild the plugin")
        }
    }

    @Test func aSilentPeerTimesOutAndAClosedOneIsReported() throws {
        var (runner, worker) = pair()
        defer { close(runner.fd) }
        #expect(throws: MessageChannel.ReadError.timedOut) {
            _ = try runner.receive(WorkerReply.self, deadline: monotonicNanoseconds() + 50_000_000)
        }
        close(worker.fd)
        #expect(throws: MessageChannel.ReadError.closed) {
            _ = try runner.receive(WorkerReply.self, deadline: monotonicNanoseconds() + 1_000_000_000)
        }
    }
}
