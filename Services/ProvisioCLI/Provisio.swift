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
            Up.self, BackupCommand.self, RestoreCommand.self, TokenCommand.self, ClientCommand.self, AttributeCommand.self, MappingCommand.self,
            ActivityCommand.self, ApiKeyCommand.self, LogCommand.self,
        ]
    )
}
