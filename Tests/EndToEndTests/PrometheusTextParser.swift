import Foundation

/// Tests/Metrics/parse.py: the official Prometheus Python client's text-format parser (PyPI `prometheus-client`, in
/// the ignored virtualenv Tests/Metrics/venv.sh makes), as the independent judge of what `/metrics` answers.
enum PrometheusTextParser {
    struct Sample: Decodable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    struct Family: Decodable {
        var type: String
        var samples: [Sample]
    }

    /// The families of `text` by name (a counter's without `_total`, as the parser names them), or the parser's error.
    static func parse(_ text: String) throws -> [String: Family] {
        let root = PythonWebhookReceiver.repositoryRoot
        let python = try run("/bin/bash", [root.appendingPathComponent("Tests/Metrics/venv.sh").path]).trimmingCharacters(in: .whitespacesAndNewlines)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("provisio-metrics-\(UUID().uuidString).txt")
        try text.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let output = try run(python, [root.appendingPathComponent("Tests/Metrics/parse.py").path, file.path])
        let parsed = try JSONDecoder().decode([String: [String: Family]].self, from: Data(output.utf8))
        guard let families = parsed[file.path] else { throw StackError("parse.py said nothing of \(file.path)") }
        return families
    }

    private static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw StackError("\(executable) \(arguments) failed: \(errorText)") }
        return String(decoding: data, as: UTF8.self)
    }
}

extension [String: PrometheusTextParser.Family] {
    /// Every name PromQL can ask for: the families' and their samples' (`…_total`, `…_bucket`, `…_count`, `…_sum`).
    var queryableNames: Set<String> {
        Set(keys).union(values.flatMap { $0.samples.map(\.name) })
    }

    /// The samples named `name` whose labels include `labels`.
    func samples(_ name: String, _ labels: [String: String] = [:]) -> [PrometheusTextParser.Sample] {
        values.flatMap(\.samples).filter { sample in
            sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
        }
    }
}
