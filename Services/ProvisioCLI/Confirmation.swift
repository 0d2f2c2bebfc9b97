import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `--yes`: a destructive command's consent, needed when no one is at a terminal to ask.
struct ConfirmOptions: ParsableArguments {
    @Flag(help: "Do not ask for confirmation (required when stdin is not a terminal).") var yes = false

    /// Returns when the action may go ahead: `--yes`, or an admin at the terminal who answered `y` after reading
    /// `consequences`. Without a terminal and without `--yes` it is a usage error; a declined prompt does nothing.
    func confirm(_ action: String, consequences: String) throws {
        if yes { return }
        guard isatty(STDIN_FILENO) == 1 else {
            throw CommandFailure.usage(
                "Refusing to \(action) without confirmation (stdin is not a terminal): \(consequences) Pass --yes to go ahead."
            )
        }
        FileHandle.standardError.write(Data("\(consequences)\n\(action.prefix(1).uppercased() + action.dropFirst())? [y/N] ".utf8))
        let answer = readLine(strippingNewline: true)?.prefix(16).trimmingCharacters(in: .whitespaces).lowercased()
        guard answer == "y" || answer == "yes" else {
            throw CommandFailure(exitCode: ExitStatus.refused, message: "Not confirmed; nothing was done.")
        }
    }
}
