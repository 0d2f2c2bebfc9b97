import Foundation
import Logging

/// The time as the token service sees it; tests inject a clock they can move instead of sleeping.
protocol TokenClock: Sendable {
    func now() -> Date
}

struct SystemTokenClock: TokenClock {
    func now() -> Date { Date() }
}
