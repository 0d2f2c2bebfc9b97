import ArgumentParser
import Foundation
import Logging

/// `provisio`: run the stack on one machine, and administer it.
@main
struct Provisio: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provisio",
        abstract: "Provisio: multi-tenant SCIM 2.0 provisioning.",
        subcommands: [
            Up.self, BackupCommand.self, RestoreCommand.self, TenantCommand.self, IdPCommand.self, TokenCommand.self, ClientCommand.self,
            AttributeCommand.self, MappingCommand.self, ActivityCommand.self, ApiKeyCommand.self, WebhookCommand.self, LogCommand.self,
        ]
    )

    /// argument-parser's own `main`, except that a ``CommandFailure`` prints its message on stderr and exits with its
    /// status (README "CLI": exit statuses).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("Error: \(failure.message)\n".utf8))
            exit(withError: ExitCode(failure.exitCode))
        } catch {
            exit(withError: error)
        }
    }
}
