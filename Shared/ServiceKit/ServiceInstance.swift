import Foundation

/// The identity a supervisor gave this process (`PROVISIO_INSTANCE_ID`), echoed by `/healthz` and `/readyz` in the
/// `Provisio-Instance` header. `provisio up` picks its services' ports before they bind them; another program can
/// take such a port in between, and the instance id lets the supervisor tell its own service from a stranger that
/// answers on the same port. Ignored unless it is 1–64 letters, digits or hyphens.
package enum ServiceInstance {
    package static let headerName = "Provisio-Instance"
    package static let environmentKey = "PROVISIO_INSTANCE_ID"

    package static let id: String? = validated(ProcessInfo.processInfo.environment[environmentKey])

    package static func validated(_ value: String?) -> String? {
        guard let value, (1...64).contains(value.utf8.count),
            value.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) })
        else { return nil }
        return value
    }
}
