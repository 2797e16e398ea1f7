import Foundation
import Logging

extension EngageConfiguration {
    /// The transport of each channel: SMTP and the SMS provider when configured, files otherwise.
    public func messageTransports(logger: Logger) -> [MessageChannel: any MessageTransport] {
        let sender = MailSender(address: mailFrom, name: companyName)
        let mail: any MessageTransport = smtp.map { SMTPTransport(settings: $0, sender: sender, heloName: baseURL.host ?? "localhost") }
            ?? FileMailTransport(directory: mailDirectory, sender: sender)
        let text: any MessageTransport = sms.map(TwilioSMSTransport.init) ?? LogSMSTransport(path: mailDirectory + "/sms.log", logger: logger)
        return [.email: mail, .sms: text]
    }
}
