import ArgumentParser
import Engage

/// `engage version`.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")

    func run() {
        print("engage \(EngageVersion.current)")
    }
}
