using System.Globalization;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Velvet.Core.Notifications;
using Velvet.Core.Ports;

namespace Velvet.Vendors.Notifications;

/// <summary>
/// Email over SMTP (MailKit): STARTTLS on 587 by default, implicit TLS (ssl) on 465, or plain (none) for a local
/// relay. SMTP 5xx replies and authentication failures are permanent; 4xx, network and protocol errors are retried.
/// Messages name the reply code, never the server's text.
/// </summary>
internal sealed class EmailChannel(ChannelSpec spec, ISecretSource secrets) : INotificationChannel
{
    public string Name => Spec.Name;

    public ChannelSpec Spec { get; } = spec;

    public async Task<Outcome> SendAsync(NotificationMessage message, CancellationToken ct)
    {
        var (password, missing) = ChannelSecrets.Get(Spec, "password_secret", secrets);
        if (missing is not null) return missing;
        var host = Spec.Setting("host") ?? "";
        var tls = Spec.Setting("tls") ?? "starttls";
        var port = Spec.Setting("port") is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : tls == "ssl" ? 465 : tls == "none" ? 25 : 587;
        var call = $"channel {Name} (email): SMTP {host}:{port}";
        using var client = new SmtpClient();
        try
        {
            await client.ConnectAsync(host, port, Socket(tls), ct).ConfigureAwait(false);
            if (Spec.Setting("username") is { } user && password is not null)
                await client.AuthenticateAsync(user, password.Reveal(), ct).ConfigureAwait(false);
            await client.SendAsync(Build(message), ct).ConfigureAwait(false);
            await client.DisconnectAsync(true, ct).ConfigureAwait(false);
            return Outcome.Ok($"{call}: sent");
        }
        catch (SmtpCommandException ex)
        {
            var code = (int)ex.StatusCode;
            var text = $"{call}: the server replied {code.ToString(CultureInfo.InvariantCulture)} ({ex.ErrorCode}) to {Stage(ex.ErrorCode)}";
            return code >= 500 ? Outcome.Permanent(text + "; check from/to and the relay's rules") : Outcome.Transient(text + "; retry");
        }
        catch (AuthenticationException)
        {
            return Outcome.Permanent($"{call}: authentication failed; check username and the secret password_secret names");
        }
        catch (SslHandshakeException)
        {
            return Outcome.Permanent($"{call}: TLS handshake failed; check tls: (starttls, ssl, none) and port");
        }
        catch (Exception ex) when (ex is SmtpProtocolException or SocketException or IOException or ServiceNotConnectedException)
        {
            return Outcome.Transient($"{call}: {ex.GetType().Name}; retry");
        }
    }

    private MimeMessage Build(NotificationMessage m)
    {
        var mail = new MimeMessage();
        mail.From.Add(MailboxAddress.Parse(Spec.Setting("from")!));
        foreach (var to in (Spec.Setting("to") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            mail.To.Add(MailboxAddress.Parse(to));
        mail.Subject = "[Velvet] " + m.Title;
        if (m.Severity == "sev1")
        {
            mail.Priority = MessagePriority.Urgent;
            mail.XPriority = XMessagePriority.Highest;
        }
        if (m.EventKey is { } key) mail.Headers.Add("X-Velvet-Delivery", key);
        mail.Body = new TextPart("plain") { Text = MessageFormat.PlainText(m) };
        return mail;
    }

    private static SecureSocketOptions Socket(string tls) => tls switch
    {
        "ssl" => SecureSocketOptions.SslOnConnect,
        "none" => SecureSocketOptions.None,
        "auto" => SecureSocketOptions.Auto,
        _ => SecureSocketOptions.StartTls,
    };

    private static string Stage(SmtpErrorCode code) => code switch
    {
        SmtpErrorCode.SenderNotAccepted => "MAIL FROM",
        SmtpErrorCode.RecipientNotAccepted => "RCPT TO",
        SmtpErrorCode.MessageNotAccepted => "DATA",
        _ => "a command",
    };
}
