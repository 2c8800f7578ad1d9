using System;
using System.Threading;
using System.Threading.Tasks;

namespace McpGen.Sessions;

/// <summary>
/// Applies a change to a session under optimistic concurrency: the change is made on the snapshot the request holds and
/// written over its version; when another request (on any replica) updated the session first, the session is read
/// again, the change applied to the fresh snapshot, and written again. No change is lost and none is applied twice to
/// one stored version.
/// </summary>
internal static class SessionChanges
{
    /// <summary>How many writes one change tries before it gives up with 503 (each conflict means another change landed).</summary>
    public const int MaxAttempts = 64;

    /// <summary>
    /// Applies <paramref name="change"/> (which returns whether it changed anything) to <paramref name="session"/> and
    /// persists it. Returns <see langword="false"/> when the session is gone.
    /// </summary>
    /// <exception cref="McpStoreUnavailableException">The session kept changing under this change for <see cref="MaxAttempts"/> writes.</exception>
    public static async ValueTask<bool> ApplyAsync<TState>(
        McpSessionState session,
        TState state,
        Func<McpSessionState, TState, bool> change,
        Func<McpSessionState, CancellationToken, ValueTask<McpSessionUpdate>> update,
        Func<string, CancellationToken, ValueTask<McpSessionState?>> reload,
        CancellationToken cancellationToken)
    {
        McpSessionState current = session;
        for (int attempt = 1; ; attempt++)
        {
            if (!change(current, state))
            {
                return true; // already as asked (perhaps by the concurrent writer): nothing to write
            }

            switch (await update(current, cancellationToken).ConfigureAwait(false))
            {
                case McpSessionUpdate.Updated:
                    if (!ReferenceEquals(current, session))
                    {
                        session.Version = current.Version; // the request's snapshot now stands for the stored version
                    }

                    return true;
                case McpSessionUpdate.NotFound:
                    return false;
            }

            if (attempt == MaxAttempts)
            {
                throw new McpStoreUnavailableException(
                    $"Session '{session.Id}' changed concurrently {MaxAttempts} times while this request tried to update it; retry the request.")
                {
                    RetryAfter = TimeSpan.FromSeconds(1),
                };
            }

            if (attempt > 4)
            {
                // Many writers on one session: spread the retries out a little.
                await Task.Delay(Random.Shared.Next(1, 4 * attempt), cancellationToken).ConfigureAwait(false);
            }

            if (await reload(session.Id, cancellationToken).ConfigureAwait(false) is not { } fresh)
            {
                return false;
            }

            current = fresh;
        }
    }
}
