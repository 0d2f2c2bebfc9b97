import Foundation

/// The exit statuses every admin command uses (README "CLI"), so scripts can tell failures apart.
enum ExitStatus {
    static let success: Int32 = 0
    /// The API refused the request (400, 422, …), or an admin declined a confirmation: nothing was done.
    static let refused: Int32 = 1
    static let notFound: Int32 = 2
    static let conflict: Int32 = 3
    /// 401 or 403: a wrong, revoked or too weak key.
    static let unauthorized: Int32 = 4
    /// A 5xx or 429 answer, or no answer at all: try again later.
    static let unavailable: Int32 = 5
    /// argument-parser's own status for a usage error (EX_USAGE).
    static let usage: Int32 = 64

    /// The status for an API answer that was not a success.
    static func forHTTPStatus(_ status: Int) -> Int32 {
        switch status {
        case 404: notFound
        case 409: conflict
        case 401, 403: unauthorized
        case 429, 500...599: unavailable
        default: refused
        }
    }
}

/// An admin command's failure: the message for stderr and the exit status (``ExitStatus``).
struct CommandFailure: Error, CustomStringConvertible {
    var exitCode: Int32
    var message: String
    var description: String { message }

    static func usage(_ message: String) -> CommandFailure { CommandFailure(exitCode: ExitStatus.usage, message: message) }

    /// A non-2xx API answer: `HTTP 404: <detail> (scimType: <scimType>)`, as the API said it.
    static func api(status: Int, body: Data) -> CommandFailure {
        CommandFailure(exitCode: ExitStatus.forHTTPStatus(status), message: APIErrorText.describe(status: status, body: body))
    }
}

/// The text of an API error: its SCIM `detail` and `scimType` when the body is a SCIM error, else the body's start.
enum APIErrorText {
    /// Characters of a body that is not a SCIM error shown at most (a proxy's HTML page can be long).
    static let maximumRawLength = 300

    static func describe(status: Int, body: Data) -> String {
        let object = body.count <= 1 << 20 ? (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] : nil
        if let detail = object?["detail"] as? String {
            let scimType = (object?["scimType"] as? String).map { " (scimType: \($0))" } ?? ""
            return "HTTP \(status): \(detail)\(scimType)"
        }
        let raw = String(decoding: body.prefix(maximumRawLength * 4), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let shown = raw.count > maximumRawLength ? raw.prefix(maximumRawLength) + "…" : Substring(raw)
        return shown.isEmpty ? "HTTP \(status)" : "HTTP \(status): \(shown)"
    }
}
