import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import InternalAPI
import NIOCore
import ServiceClients

/// The console's own stylesheet and script (`Console/Assets` in the resource bundle), read once at start-up. Pages link
/// them with a fingerprint (`?v=` the first 16 hex digits of their SHA-256), so a browser may keep them for a year; an
/// `ETag` answers a revalidation with 304.
struct ConsoleAssets: Sendable {
    struct Asset: Sendable {
        var bytes: ByteBuffer
        var contentType: String
        var etag: String
        var fingerprint: String
    }

    static let names: [String: String] = ["console.css": "text/css; charset=utf-8", "console.js": "text/javascript; charset=utf-8"]

    var assets: [String: Asset]

    enum LoadError: Error, CustomStringConvertible {
        case missing(String)
        var description: String {
            switch self {
            case .missing(let name): "The console asset Console/Assets/\(name) is missing from the gateway's resource bundle."
            }
        }
    }

    static let bundled: Result<ConsoleAssets, LoadError> = {
        var assets: [String: Asset] = [:]
        for (name, contentType) in names {
            let parts = name.split(separator: ".")
            guard let url = Bundle.module.url(forResource: String(parts[0]), withExtension: String(parts[1]), subdirectory: "Assets"),
                let data = try? Data(contentsOf: url)
            else { return .failure(.missing(name)) }
            let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            assets[name] = Asset(
                bytes: ByteBuffer(bytes: data),
                contentType: contentType,
                etag: "\"\(digest.prefix(32))\"",
                fingerprint: String(digest.prefix(16))
            )
        }
        return .success(ConsoleAssets(assets: assets))
    }()

    /// `/console/assets/console.css?v=…`
    func url(_ name: String) -> String {
        "/console/assets/\(name)?v=\(assets[name]?.fingerprint ?? "0")"
    }

    func response(name: String, ifNoneMatch: String?) -> Response? {
        guard let asset = assets[name] else { return nil }
        var headers: HTTPFields = [.contentType: asset.contentType, .eTag: asset.etag, .cacheControl: "public, max-age=31536000, immutable"]
        if ifNoneMatch == asset.etag {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: asset.bytes))
    }
}
