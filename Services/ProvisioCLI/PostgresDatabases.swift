import Foundation

/// The PostgreSQL databases of a local stack: one per service on the given server, named after the data folder
/// (`provisio_directory_1a2b3c4d`), so that two stacks never share data and a restart finds its own again.
struct PostgresDatabases {
    var server: URLComponents
    var suffix: String

    init(serverURL: String, dataDirectory: URL) {
        server = Self.validate(serverURL)!
        suffix = Self.fnv1a(dataDirectory.standardizedFileURL.path)
    }

    static func validate(_ text: String) -> URLComponents? {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? ""),
            components.host?.isEmpty == false
        else { return nil }
        return components
    }

    func url(for service: String) -> String {
        var components = server
        let name = service.replacingOccurrences(of: "Service", with: "").lowercased()
        components.path = "/provisio_\(name)_\(suffix)"
        return components.string ?? ""
    }

    /// A stable 32-bit FNV-1a hash in hex: short, and the same on every run for the same folder.
    static func fnv1a(_ text: String) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in text.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return String(format: "%08x", hash)
    }
}
