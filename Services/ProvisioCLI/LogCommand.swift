import ArgumentParser
import Foundation
import NIOHTTP1

#if canImport(Glibc)
import Glibc
#endif

/// `provisio log --tenant T [--idp I] [--failures] [--follow] [--json]`: the tenant's provisioning log, oldest of the
/// page first (like `tail`): a table by default, one JSON object per line with `--json`. `--follow` then asks again
/// every 2 seconds and prints only entries not printed yet, until Ctrl-C.
struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "The provisioning log of a tenant: what each IdP's SCIM requests did, and why they failed."
    )
    @OptionGroup var admin: AdminOptions
    @Option(help: "Tenant id.") var tenant: String
    @Option(help: "Only entries of this identity provider.") var idp: String?
    @Flag(help: "Only failed requests.") var failures = false
    @Flag(help: "Keep printing new entries (every 2 s) until Ctrl-C.") var follow = false
    @Option(help: "How many of the latest entries to print first (1 to 500).") var limit: Int = 50

    /// How far back each poll of `--follow` looks again: a gateway sends its entries within a second of their
    /// answer, so one stamped a little before the newest seen may still arrive.
    static let overlap: TimeInterval = 10
    static let pollInterval: TimeInterval = 2

    func validate() throws {
        guard (1...500).contains(limit) else { throw ValidationError("--limit must be from 1 to 500.") }
    }

    func run() async throws {
        let started = LogTime.now()
        let latest = try await page(since: nil, cursor: nil, limit: limit)
        var seen = SeenEntries()
        emit(latest.entries.reversed(), into: &seen)
        guard follow else { return }
        let signals = SignalWatcher(signals: [SIGINT, SIGTERM])
        while signals.signalReceived == 0 {
            for _ in 0..<Int(Self.pollInterval * 10) where signals.signalReceived == 0 { try await Task.sleep(for: .milliseconds(100)) }
            guard signals.signalReceived == 0 else { break }
            let since = LogTime.earlier(seen.newest ?? started, by: Self.overlap)
            var fresh: [[String: Any]] = []
            var cursor: String?
            repeat {
                let page = try await page(since: since, cursor: cursor, limit: 500)
                fresh += page.entries
                cursor = page.next
            } while cursor != nil && fresh.count < 100_000
            emit(fresh.reversed(), into: &seen)
        }
    }

    /// Prints the entries not printed yet, in the order given, and remembers them.
    private func emit(_ entries: some Sequence<[String: Any]>, into seen: inout SeenEntries) {
        var output = ""
        for entry in entries where seen.insert(entry) {
            output += admin.json ? Self.jsonLine(entry) : Self.tableLine(entry)
        }
        seen.forget(before: seen.newest.map { LogTime.earlier($0, by: Self.overlap * 2) })
        if !output.isEmpty { Console.write(output) }
    }

    private func page(since: String?, cursor: String?, limit: Int) async throws -> (entries: [[String: Any]], next: String?) {
        var items = [("limit", String(limit))]
        if let idp { items.append(("idp", idp)) }
        if failures { items.append(("status", "failure")) }
        if let since { items.append(("since", since)) }
        if let cursor { items.append(("cursor", cursor)) }
        let query = items.map { "\($0)=\(Self.encode($1))" }.joined(separator: "&")
        let data = try await admin.call(.GET, "/tenants/\(Self.encode(tenant))/provisioning-log?\(query)")
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        return (object?["entries"] as? [[String: Any]] ?? [], object?["next"] as? String)
    }

    static func tableLine(_ entry: [String: Any]) -> String {
        let name = (entry["userName"] ?? entry["displayName"] ?? entry["resourceId"]) as? String
        let resource = [entry["resourceType"] as? String, name].compactMap { $0 }.joined(separator: " ")
        let columns = [
            entry["time"] as? String ?? "", entry["idp"] as? String ?? "", entry["operation"] as? String ?? "",
            entry["status"] as? String ?? "", (entry["httpStatus"] as? Int).map(String.init) ?? "", resource.isEmpty ? "-" : resource,
        ]
        let detail = (entry["detail"] as? String).map { "  " + $0.replacingOccurrences(of: "\n", with: " ") } ?? ""
        return columns.joined(separator: "  ") + detail + "\n"
    }

    static func jsonLine(_ entry: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: entry, options: [.sortedKeys, .withoutEscapingSlashes]) else { return "" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    private static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// The entries `--follow` has printed lately, by id, and the newest `(time, id)` among them.
struct SeenEntries {
    private var times: [String: String] = [:]
    private(set) var newest: String?

    /// Remembers `entry`; false when it was printed already.
    mutating func insert(_ entry: [String: Any]) -> Bool {
        guard let id = entry["id"] as? String, let time = entry["time"] as? String else { return false }
        guard times[id] == nil else { return false }
        times[id] = time
        if newest.map({ time > $0 }) ?? true { newest = time }
        return true
    }

    /// Forgets the entries stamped before `cutoff` (no poll looks that far back).
    mutating func forget(before cutoff: String?) {
        guard let cutoff else { return }
        times = times.filter { $0.value >= cutoff }
    }
}

/// The log's timestamps (ISO 8601 UTC with milliseconds, which sort as text).
enum LogTime {
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    static func now() -> String { style.format(Date()) }

    static func earlier(_ time: String, by seconds: TimeInterval) -> String {
        guard let date = try? style.parse(time) else { return time }
        return style.format(date.addingTimeInterval(-seconds))
    }
}
