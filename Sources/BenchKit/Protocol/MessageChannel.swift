#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// JSON lines over a socket file descriptor, with an optional deadline on reads.
///
/// Writes use `send(MSG_NOSIGNAL)` so that a peer that died is an error, not a SIGPIPE.
package struct MessageChannel {
    /// Why a message could not be read.
    package enum ReadError: Error, Equatable {
        /// The peer closed the socket before a whole line arrived.
        case closed
        /// The deadline passed first.
        case timedOut
        /// A line arrived that is not a message of this protocol version.
        case malformed(String)
    }

    let fd: Int32
    private var buffer: [UInt8] = []

    package init(fd: Int32) {
        self.fd = fd
    }

    package func send<Body: Codable>(_ body: Body) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var bytes = Array(try encoder.encode(Envelope(protocolVersion: WorkerProtocol.version, body: body)))
        bytes.append(UInt8(ascii: "\n"))
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 {
                if errno == EINTR { continue }
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            offset += sent
        }
    }

    /// Reads one message; `deadline` is a CLOCK_MONOTONIC time in nanoseconds, or nil to wait forever.
    package mutating func receive<Body: Codable>(_ type: Body.Type, deadline: UInt64? = nil) throws -> Body {
        let line = try readLine(deadline: deadline)
        let text = String(decoding: line, as: UTF8.self)
        guard let version = try? JSONDecoder().decode(VersionOnly.self, from: Data(line)).protocolVersion else {
            throw ReadError.malformed("not a protocol message: \(text.prefix(200))")
        }
        guard version == WorkerProtocol.version else {
            throw ReadError.malformed("the peer speaks protocol version \(version), this side \(WorkerProtocol.version): rebuild the plugin against this BenchKit")
        }
        do {
            return try JSONDecoder().decode(Envelope<Body>.self, from: Data(line)).body
        } catch {
            throw ReadError.malformed("cannot decode \(Body.self): \(error)")
        }
    }

    /// The part of an ``Envelope`` that every version shares.
    private struct VersionOnly: Decodable {
        var protocolVersion: Int
    }

    private mutating func readLine(deadline: UInt64?) throws -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return line
            }
            if let deadline {
                let now = monotonicNanoseconds()
                guard now < deadline else { throw ReadError.timedOut }
                var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let waitMs = Int32(min((deadline - now) / 1_000_000 + 1, UInt64(Int32.max)))
                let ready = poll(&descriptor, 1, waitMs)
                if ready < 0 && errno == EINTR { continue }
                if ready == 0 { continue } // re-checks the deadline
            }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadError.closed
            }
            if count == 0 { throw ReadError.closed }
            buffer.append(contentsOf: chunk[..<count])
        }
    }
}
