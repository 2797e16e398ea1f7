import ArgumentParser

@main
struct EngageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engage",
        abstract: "Oui Engage: document engagement portal, API and workers.",
        subcommands: [ServeCommand.self, WorkerCommand.self, MigrateCommand.self, CreateUserCommand.self, CreateAPIKeyCommand.self, DemoCommand.self, AnalyticsRebuildCommand.self, VersionCommand.self],
        defaultSubcommand: ServeCommand.self)
}
