import Dispatch
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Notes SIGINT/SIGTERM instead of dying, so `provisio up` can stop its services first.
final class SignalWatcher {
    private final class Flag: Sendable {
        let signal = Atomic<Int32>(0)
    }

    private let flag = Flag()
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32]) {
        let flag = self.flag
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { flag.signal.store(number, ordering: .relaxed) }
            source.resume()
            return source
        }
    }

    /// The signal received, or 0.
    var signalReceived: Int32 { flag.signal.load(ordering: .relaxed) }
}
