import NIOCore
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes the services' log lines to a file descriptor (standard error) from a thread of its own.
///
/// Log calls come from the event loops (Swift Concurrency runs on them, ``ServiceMain``), and `write(2)` to a pipe
/// blocks once the pipe is full: a reader that falls behind — a log collector stalled, a terminal paused — stalled
/// every request of that loop for as long as it lagged. A log call now only queues its line; when the queue holds
/// ``capacity`` bytes, lines are dropped and counted instead, and the count is written once the writer catches up.
///
/// The writer wakes once per ``batchDelay`` at most, not once per line, and writes what has queued in one `write`
/// (whole lines: only this writer writes to the descriptor from this process, and appends to a file are atomic). A
/// wake-up per line is a thread switch per request on a gateway that logs every request, which cost more CPU than
/// the write itself; a line now reaches standard error at most a few milliseconds later.
package final class LogWriter: Sendable {
    /// The writer of the services' log handler (``ServiceLogHandler``).
    package static let standardError = LogWriter(fileDescriptor: STDERR_FILENO)

    private struct Queue {
        var lines: [String] = []
        var bytes = 0
        var dropped = 0
        var draining = false
    }

    private let queue = Mutex(Queue())
    private let fileDescriptor: Int32
    private let capacity: Int
    private let batchDelay: TimeAmount
    /// The writer's thread; it lives as long as the process (like standard error).
    private let thread: MultiThreadedEventLoopGroup
    private let dropped = Atomic<Int>(0)

    /// `capacity`: the most bytes of lines waiting to be written; `batchDelay`: how long the first line of a batch
    /// waits for others.
    package init(fileDescriptor: Int32, capacity: Int = 1 << 20, batchDelay: TimeAmount = .milliseconds(5)) {
        self.fileDescriptor = fileDescriptor
        self.capacity = capacity
        self.batchDelay = batchDelay
        thread = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// Lines dropped so far because the queue was full.
    package var droppedLines: Int { dropped.load(ordering: .relaxed) }

    /// Queues `line` (which ends with a newline), or drops it when the queue is full. Never blocks.
    package func write(_ line: String) {
        let startsDraining = queue.withLock { queue -> Bool in
            guard queue.bytes + line.utf8.count <= capacity else {
                queue.dropped += 1
                dropped.add(1, ordering: .relaxed)
                return false
            }
            queue.lines.append(line)
            queue.bytes += line.utf8.count
            guard !queue.draining else { return false }
            queue.draining = true
            return true
        }
        if startsDraining { thread.next().scheduleTask(in: batchDelay) { self.drain() } }
    }

    /// Waits (blocking) until every queued line is written, or `timeout` has passed: before the process exits.
    package func flush(timeout: Duration = .seconds(2)) {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while queue.withLock({ $0.draining }), ContinuousClock.now < deadline { usleep(1_000) }
    }

    private func drain() {
        while true {
            let (lines, dropped) = queue.withLock { queue -> ([String], Int) in
                defer {
                    queue.lines = []
                    queue.bytes = 0
                    queue.dropped = 0
                }
                if queue.lines.isEmpty && queue.dropped == 0 { queue.draining = false }
                return (queue.lines, queue.dropped)
            }
            guard !lines.isEmpty || dropped > 0 else { return }
            var batch = ""
            if dropped > 0 {
                batch +=
                    "\(LogClock.now()) warning provisio: log.dropped=\(dropped) [ServiceKit] Log lines dropped: standard error was not read fast enough\n"
            }
            for line in lines { batch += line }
            writeAll(batch, to: fileDescriptor)
        }
    }
}

/// One `write` for the whole batch (the loop only matters for a partial write).
private func writeAll(_ line: String, to fileDescriptor: Int32) {
    var line = line
    line.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let written = write(fileDescriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written > 0 {
                offset += written
            } else if written < 0, errno == EINTR {
                continue
            } else {
                return
            }
        }
    }
}
