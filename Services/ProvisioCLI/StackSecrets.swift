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
enum PrivateFile {
    static func write(_ data: Data, to file: URL) throws {
        let temporary = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).tmp")
        try? FileManager.default.removeItem(at: temporary)
        guard FileManager.default.createFile(atPath: temporary.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw ExitError(message: "Could not write \(temporary.path).")
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: temporary.path)
        if FileManager.default.fileExists(atPath: file.path) {
            _ = try FileManager.default.replaceItemAt(file, withItemAt: temporary)
        } else {
            try FileManager.default.moveItem(at: temporary, to: file)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
    }
}
