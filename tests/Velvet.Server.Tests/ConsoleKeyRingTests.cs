using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Velvet.Core.Secrets;
using Velvet.Server.Tests.Support;
using Velvet.Server.WebConsole;

namespace Velvet.Server.Tests;

/// <summary>
/// The console's Data Protection key ring lives in the store, sealed with the master key: a session (and an
/// anti-forgery token) minted by one server is accepted after a restart and by another replica on the same store.
/// </summary>
public sealed class ConsoleKeyRingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SecretBox NewMasterKey() => new(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task A_session_and_a_form_token_survive_a_restart_on_the_same_store()
    {
        await using var replicas = await ConsoleReplicas.StartAsync();
        var key = NewMasterKey();
        var a = await replicas.StartServerAsync(key);
        var browser = new ConsoleBrowser();
        await SignedInAsync(browser, a, a);
        var token = ConsoleBrowser.FormToken(await OkTextAsync(await browser.GetAsync(a.GetTestClient(), "/console/credentials")));

        await replicas.StopAsync(a);
        var b = await replicas.StartServerAsync(key);

        var page = await OkTextAsync(await browser.GetAsync(b.GetTestClient(), "/console/credentials"));
        Assert.Contains("alice", page, StringComparison.Ordinal);
        var signOut = await browser.SendAsync(b.GetTestClient(), HttpMethod.Post, "/console/sign-out", csrfHeader: token);
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal("/console/sign-in", signOut.Headers.Location?.OriginalString);
        Assert.DoesNotContain(replicas.ServerLogs.Lines, l => l.Contains("will not survive a restart", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_replicas_on_one_store_accept_each_others_cookies_and_form_tokens()
    {
        await using var replicas = await ConsoleReplicas.StartAsync();
        var key = NewMasterKey();
        var a = await replicas.StartServerAsync(key);
        var b = await replicas.StartServerAsync(key);
        var browser = new ConsoleBrowser();

        // The sign-in form (and its anti-forgery cookie) from A, posted to B; the session cookie B mints opens A.
        await SignedInAsync(browser, a, b);
        Assert.Contains("alice", await OkTextAsync(await browser.GetAsync(a.GetTestClient(), "/console/credentials")), StringComparison.Ordinal);
        Assert.Contains("alice", await OkTextAsync(await browser.GetAsync(b.GetTestClient(), "/console/stuck")), StringComparison.Ordinal);

        // A POST carrying A's token, accepted by B.
        var token = ConsoleBrowser.FormToken(await OkTextAsync(await browser.GetAsync(a.GetTestClient(), "/console/credentials")));
        var signOut = await browser.SendAsync(b.GetTestClient(), HttpMethod.Post, "/console/sign-out", csrfHeader: token);
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal("/console/sign-in", signOut.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Without_a_master_key_keys_stay_in_memory_a_restart_signs_people_out_and_one_warning_says_so()
    {
        await using var replicas = await ConsoleReplicas.StartAsync();
        var a = await replicas.StartServerAsync(masterKey: null);
        var browser = new ConsoleBrowser();
        await SignedInAsync(browser, a, a);
        var token = ConsoleBrowser.FormToken(await OkTextAsync(await browser.GetAsync(a.GetTestClient(), "/console/credentials")));
        await replicas.StopAsync(a);
        var b = await replicas.StartServerAsync(masterKey: null);

        AssertSentToSignIn(await browser.GetAsync(b.GetTestClient(), "/console/credentials"));
        var post = await browser.SendAsync(b.GetTestClient(), HttpMethod.Post, "/console/sign-out", csrfHeader: token);
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Contains("anti-forgery", await post.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        Assert.Empty(await RawRowsAsync(replicas));
        var warnings = replicas.ServerLogs.Lines.Where(l => l.Contains("will not survive a restart", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, warnings.Count); // one per server start
        Assert.All(warnings, w => Assert.StartsWith("Warning ", w, StringComparison.Ordinal));
        Assert.All(warnings, w => Assert.Contains("no master key", w, StringComparison.Ordinal));
        Assert.DoesNotContain(replicas.ServerLogs.Lines, l => l.Contains("No XML encryptor", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stored_keys_are_sealed_with_the_master_key_and_their_material_is_in_no_row_file_or_log()
    {
        await using var replicas = await ConsoleReplicas.StartAsync();
        var key = NewMasterKey();
        var a = await replicas.StartServerAsync(key);
        await SignedInAsync(new ConsoleBrowser(), a, a);

        var rows = await RawRowsAsync(replicas);
        Assert.NotEmpty(rows);
        var files = new List<string>();
        foreach (var file in Directory.GetFiles(replicas.Engine.Dir, "velvet.db*"))
        {
            await using var copy = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var bytes = new MemoryStream();
            await copy.CopyToAsync(bytes, Ct);
            files.Add(Encoding.Latin1.GetString(bytes.ToArray()));
        }
        foreach (var (name, sealedText) in rows)
        {
            Assert.StartsWith("key-", name, StringComparison.Ordinal);
            Assert.DoesNotContain("<key", sealedText, StringComparison.Ordinal);
            Assert.DoesNotContain("masterKey", sealedText, StringComparison.Ordinal);

            // The right master key opens it (so the checks above look at real key rows) ...
            var xml = XElement.Parse(new KeyRingSeal(key).Open(sealedText));
            Assert.Equal("key", xml.Name.LocalName);
            var material = xml.Descendants("masterKey").Single().Element("value")!.Value;
            Assert.True(material.Length >= 40, "the key material looks too short to be a key");
            foreach (var text in files.Concat(replicas.ServerLogs.Lines))
                Assert.DoesNotContain(material, text, StringComparison.Ordinal);

            // ... another one does not.
            Assert.Throws<MasterKeyException>(() => new KeyRingSeal(NewMasterKey()).Open(sealedText));
        }
        Assert.DoesNotContain(replicas.ServerLogs.Lines, l => l.Contains("No XML encryptor", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Changing_the_master_key_ends_console_sessions_only_and_people_can_sign_in_again()
    {
        await using var replicas = await ConsoleReplicas.StartAsync();
        var a = await replicas.StartServerAsync(NewMasterKey());
        var browser = new ConsoleBrowser();
        await SignedInAsync(browser, a, a);
        await replicas.StopAsync(a);

        var b = await replicas.StartServerAsync(NewMasterKey());
        AssertSentToSignIn(await browser.GetAsync(b.GetTestClient(), "/console/credentials"));
        await SignedInAsync(browser, b, b);
        Assert.Contains("alice", await OkTextAsync(await browser.GetAsync(b.GetTestClient(), "/console/credentials")), StringComparison.Ordinal);

        // The old key stays in the ring (rows are never changed) and is reported, by name and key id only.
        Assert.Equal(2, (await RawRowsAsync(replicas)).Count);
        var warning = Assert.Single(replicas.ServerLogs.Lines, l => l.Contains("cannot be opened with this replica's master key", StringComparison.Ordinal));
        Assert.Contains("sign in again", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sealed_element_opens_only_with_its_master_key_and_only_unaltered()
    {
        var key = NewMasterKey();
        var seal = new KeyRingSeal(key);
        const string Xml = "<key id=\"1\"><descriptor><masterKey><value>S0VZLU1BVEVSSUFMLWNBTkFSWQ==</value></masterKey></descriptor></key>";
        var sealedText = seal.Seal(Xml);
        Assert.Equal(Xml, seal.Open(sealedText));
        Assert.DoesNotContain("S0VZLU1BVEVSSUFMLWNBTkFSWQ", sealedText, StringComparison.Ordinal);
        Assert.NotEqual(sealedText, seal.Seal(Xml)); // a fresh nonce each time

        Assert.Contains(key.KeyId, Assert.Throws<MasterKeyException>(() => new KeyRingSeal(NewMasterKey()).Open(sealedText)).Message, StringComparison.Ordinal);
        // Another key under this key's id: the AEAD tag still refuses it.
        var parts = sealedText.Split('.');
        var other = new KeyRingSeal(NewMasterKey()).Seal(Xml).Split('.');
        Assert.ThrowsAny<CryptographicException>(() => seal.Open(string.Join('.', parts[0], parts[1], other[2], other[3], other[4])));
        var cipher = Convert.FromBase64String(parts[4]);
        cipher[0] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => seal.Open(string.Join('.', parts[0], parts[1], parts[2], parts[3], Convert.ToBase64String(cipher))));
        Assert.ThrowsAny<CryptographicException>(() => seal.Open(Xml));
    }

    private static async Task SignedInAsync(ConsoleBrowser browser, WebApplication formFrom, WebApplication postTo)
    {
        var signedIn = await browser.SignInAsync(formFrom.GetTestClient(), postTo.GetTestClient(), "alice", ConsoleReplicas.Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/console/credentials", signedIn.Headers.Location?.OriginalString);
        Assert.True(browser.Cookies.ContainsKey(ConsoleAuth.CookieName));
    }

    private static void AssertSentToSignIn(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console/sign-in", response.Headers.Location?.AbsolutePath);
    }

    private static async Task<string> OkTextAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    private static async Task<List<(string Name, string Sealed)>> RawRowsAsync(ConsoleReplicas replicas)
    {
        await using var conn = new SqliteConnection($"Data Source={replicas.Engine.DbPath}");
        await conn.OpenAsync(Ct);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT friendly_name, sealed_element FROM key_ring ORDER BY id";
        await using var r = await cmd.ExecuteReaderAsync(Ct);
        var rows = new List<(string, string)>();
        while (await r.ReadAsync(Ct)) rows.Add((r.GetString(0), r.GetString(1)));
        return rows;
    }
}
