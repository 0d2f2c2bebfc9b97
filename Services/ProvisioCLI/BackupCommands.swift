import ArgumentParser
import Foundation

/// `provisio backup`: an online snapshot of a local stack's SQLite databases and credentials (``StackBackup``).
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Snapshot a stack's SQLite databases and credentials into a new folder, while the stack runs."
    )

    @Option(name: .long, help: "The stack's data folder.")
    var dataDir: String = ".provisio"

    @Option(name: .long, help: "The backup folder to create (must not exist, or be empty).")
    var to: String

    func run() throws {
        let source = URL(fileURLWithPath: dataDir).standardizedFileURL
        let destination = URL(fileURLWithPath: to).standardizedFileURL
        let started = ContinuousClock.now
        let backup = try StackBackup.take(from: source, to: destination)
        Console.write(
            "Backed up \((backup.databases + backup.files).joined(separator: ", ")) to \(destination.path) in \(ContinuousClock.now - started).\n"
        )
    }
}

/// `provisio restore`: puts a backup into a data folder, ready for `provisio up --data-dir`.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup made by `provisio backup` into a data folder (stop any stack using that folder first)."
    )

    @Option(name: .long, help: "The backup folder.")
    var from: String

    @Option(name: .long, help: "The data folder to restore into; it must be new or empty unless --force.")
    var dataDir: String

    @Flag(name: .long, help: "Replace the databases and credentials of a data folder that is not empty.")
    var force = false

    func run() throws {
        let source = URL(fileURLWithPath: from).standardizedFileURL
        let destination = URL(fileURLWithPath: dataDir).standardizedFileURL
        let backup = try StackBackup.read(source)
        try backup.restore(from: source, into: destination, replacing: force)
        Console.write(
            "Restored the backup of \(backup.createdAt.formatted(.iso8601)) into \(destination.path); start it with: provisio up --data-dir \(destination.path)\n"
        )
    }
}
