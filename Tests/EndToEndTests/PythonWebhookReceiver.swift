import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Tests/Webhooks/receiver.py as a child process: a webhook receiver that verifies every signature with the PyPI
/// package `standardwebhooks` (in the ignored virtualenv Tests/Webhooks/venv.sh makes) and records each request.
final class PythonWebhookReceiver {
    struct Record: Decodable {
        var id: String
        var timestamp: String
        var signatures: Int
        var contentType: String?
        var verified: Bool
        var body: String
        var type: String? { (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["type"] as? String }
    }

    let url: String
    private let folder: URL
    private let process: Process

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `delayMs`: how long it takes to answer each request.
    init(delayMs: Int = 0) async throws {
        let root = Self.repositoryRoot
        let python = try Self.run("/bin/bash", [root.appendingPathComponent("Tests/Webhooks/venv.sh").path])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("provisio-webhook-receiver-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [
            root.appendingPathComponent("Tests/Webhooks/receiver.py").path, "--secret-file", folder.appendingPathComponent("secrets").path,
            "--record", folder.appendingPathComponent("record.jsonl").path, "--port-file", folder.appendingPathComponent("port").path,
            "--delay-ms", String(delayMs),
        ]
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let portFile = folder.appendingPathComponent("port")
        for _ in 0..<300 where !FileManager.default.fileExists(atPath: portFile.path) {
            try await Task.sleep(for: .milliseconds(50))
        }
        guard let port = try? String(contentsOf: portFile, encoding: .utf8) else { throw StackError("receiver.py did not start") }
        url = "http://127.0.0.1:\(port)/hook"
    }

    /// The secrets it verifies with (it answers 503 until it has one).
    func trust(_ secrets: [String]) throws {
        try secrets.joined(separator: "\n").write(to: folder.appendingPathComponent("secrets"), atomically: true, encoding: .utf8)
    }

    var records: [Record] {
        guard let text = try? String(contentsOf: folder.appendingPathComponent("record.jsonl"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Record.self, from: Data($0.utf8)) }
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: folder)
    }

    private static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw StackError("\(executable) \(arguments) failed") }
        return String(decoding: data, as: UTF8.self)
    }
}
