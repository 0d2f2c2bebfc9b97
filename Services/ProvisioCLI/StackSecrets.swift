import Foundation
import Logging

/// The internal credential and the admin key of a local stack: generated on first start, then reused, in
/// `<data dir>/secrets.json` (mode 0600).
struct StackSecrets: Codable {
    var internalKey: String
    var adminKey: String

    static let fileName = "secrets.json"

    static func loadOrCreate(in directory: URL) throws -> StackSecrets {
        let file = directory.appendingPathComponent(fileName)
        if let data = try? Data(contentsOf: file), let secrets = try? JSONDecoder().decode(StackSecrets.self, from: data) {
            return secrets
        }
        let secrets = StackSecrets(internalKey: randomSecret(), adminKey: randomSecret())
        try PrivateFile.write(try JSONEncoder().encode(secrets), to: file)
        return secrets
    }

    static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

/// Files only the owner may read: written to a temporary name with mode 0600, then renamed into place.
///
/// `rename(2)` replaces an existing file in one step. Foundation's `replaceItemAt` did not on Linux: when demo.json
/// existed (a restart on another port rewrites it), it removed the file and then failed, so `provisio up` stopped
/// with "The file doesn't exist" and left no demo.json behind.
enum PrivateFile {
    static func write(_ data: Data, to file: URL) throws {
        let temporary = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).tmp")
        try? FileManager.default.removeItem(at: temporary)
        guard FileManager.default.createFile(atPath: temporary.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw ExitError(message: "Could not write \(temporary.path).")
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: temporary.path)
        guard rename(temporary.path, file.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw ExitError(message: "Could not replace \(file.path): \(reason).")
        }
    }
}
