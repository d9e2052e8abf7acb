namespace Velvet.Server.WebConsole;

/// <summary>
/// A modal form for one action: <c>dialog#dlg-{action}</c> around <c>form[data-submit={action}]</c>, its fields, an
/// error line console.js fills, and submit / cancel buttons. console.js posts the form's fields for that action.
/// </summary>
internal static class ConsoleDialog
{
    public static Html Of(string action, string title, Html fields, string submit, string css, bool novalidate = false, string cancel = "Cancel") =>
        Of(action, Html.Text(title), fields, submit, css, novalidate, cancel);

    public static Html Of(string action, Html title, Html fields, string submit, string css, bool novalidate = false, string cancel = "Cancel") => Html.Of($"""
        <dialog id="dlg-{action}" aria-labelledby="dlg-{action}-title">
          <form method="dialog" data-submit="{action}"{Html.When(novalidate, Html.Of($" novalidate"))}>
            <h2 id="dlg-{action}-title">{title}</h2>
            {fields}
            <p class="error" role="alert" data-error></p>
            <div class="buttons"><button type="submit" class="{css}">{submit}</button><button type="button" data-close>{cancel}</button></div>
          </form>
        </dialog>
        """);

    /// <summary>The password field of a step-up (re-entered right before an irreversible action).</summary>
    public static Html StepUpField(string id) => Html.Of($"""
        <label for="{id}">Your password (step-up)</label>
        <input id="{id}" name="password" type="password" autocomplete="current-password">
        """);
}
