import Foundation
import ServiceKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The services' log lines leave the event loops through ``LogWriter``: a reader of standard error that stalls must
/// not stall the loops that log.
@Suite(.timeLimit(.minutes(1))) struct LogWriterTests {
    @Test func aStalledReaderNeitherBlocksTheLoggingCallerNorHidesWhatWasDropped() async throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer {
            close(ends[0])
            close(ends[1])
        }
        let writer = LogWriter(fileDescriptor: ends[1], capacity: 16 * 1024)
        let line = String(repeating: "x", count: 199) + "\n"

        // Nobody reads: the pipe (64 KiB) and the queue (16 KiB) take about 400 lines. A direct write(2) of the
        // next line would wait for a reader, for ever.
        let elapsed = ContinuousClock().measure {
            for _ in 0..<10_000 { writer.write(line) }
        }
        #expect(elapsed < .seconds(1), "10,000 log calls took \(elapsed)")
        let dropped = writer.droppedLines
        #expect(dropped > 9_000)

        // Once read, every line that was kept arrives whole, and the number dropped (in one notice or more).
        _ = fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK)
        var text = ""
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let deadline = ContinuousClock.now.advanced(by: .seconds(10))
        while text.split(separator: "\n").count < 10_000 - dropped + 1, ContinuousClock.now < deadline {
            let count = read(ends[0], &buffer, buffer.count)
            if count > 0 { text += String(decoding: buffer[..<count], as: UTF8.self) } else { try await Task.sleep(for: .milliseconds(5)) }
        }
        try await Task.sleep(for: .milliseconds(100))
        while case let count = read(ends[0], &buffer, buffer.count), count > 0 { text += String(decoding: buffer[..<count], as: UTF8.self) }
        let lines = text.split(separator: "\n")
        #expect(lines.filter { $0 == line.dropLast() }.count == 10_000 - dropped)
        let reported = lines.compactMap { line in line.split(separator: " ").first { $0.hasPrefix("log.dropped=") }.flatMap { Int($0.dropFirst(12)) }
        }
        #expect(reported.reduce(0, +) == dropped, "\(reported)")
    }
}
