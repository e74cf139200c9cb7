using System.Text.Json;
using OutputGuard.ControlPlane.Api;
using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Resolver;
using OutputGuard.ControlPlane.Store;

namespace OutputGuard.ControlPlane.Legacy;

/// <summary>
/// The replaced system's HTTP API in its exact shapes, over the same use cases as the gRPC API (validation,
/// undeletable entries, audit, revisions): <c>GET /api?add=X[&amp;nonDeletable=true]</c>, <c>GET /api?del=X</c>,
/// <c>GET /show-all</c>, <c>GET /ping</c>. Every call is audited as <c>legacy@&lt;client address&gt;</c>; a refusal
/// is <c>{"info": "…", "status": "failed"}</c> with 400 (401/403 when the caller may not make the call, 503 when
/// the store is away).
/// </summary>
public sealed partial class LegacyHttpApi(
    LegacyAccess access, AllowList allowList, EntryValidator validator, IControlPlaneStore store, ILogger<LegacyHttpApi> logger)
{
    /// <summary>The longest value of add= or del= (a domain is at most 253 characters).</summary>
    public const int MaxValueLength = 512;

    /// <summary><c>GET /api?add=X</c> or <c>GET /api?del=X</c>.</summary>
    public async Task ApiAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (caller, status, refusal) = await access.IdentifyAsync(context);
        if (caller is null)
        {
            await RefuseAsync(context, LegacyAccess.ClientAddress(context).ToString(), status, refusal!);
            return;
        }

        var query = context.Request.Query;
        var add = query["add"];
        var del = query["del"];
        var unknown = query.Keys.FirstOrDefault(k => k is not ("add" or "del" or "nonDeletable"));
        string? problem = (add.Count, del.Count) switch
        {
            _ when unknown is not null => $"unknown parameter {InputLimits.Quote(unknown)}: /api takes add=X[&nonDeletable=true] or del=X",
            (1, 0) or (0, 1) => InputLimits.CheckString(add.Count == 1 ? "add" : "del", add.Count == 1 ? add[0] : del[0], MaxValueLength),
            (0, 0) => "give add=X (a domain, an IPv4 address or a CIDR) or del=X",
            _ => "give exactly one add= or del=",
        };
        if (problem is null && query["nonDeletable"] is { Count: > 0 } flag && (del.Count == 1 || flag.Count > 1 || flag[0] is not ("true" or "false")))
        {
            problem = "nonDeletable is true or false, and only with add=";
        }

        if (problem is not null)
        {
            await FailAsync(context, caller, "legacy.api", StatusCodes.Status400BadRequest, problem);
            return;
        }

        if (!caller.CanWrite)
        {
            await FailAsync(context, caller, "legacy.api", StatusCodes.Status403Forbidden, $"role {caller.Role} may not change the allow-list; needs editor or admin");
            return;
        }

        try
        {
            if (add.Count == 1)
            {
                await AddAsync(context, caller, add[0]!.Trim(), query["nonDeletable"] is { Count: 1 } f && f[0] == "true");
            }
            else
            {
                await DeleteAsync(context, caller, del[0]!.Trim());
            }
        }
        catch (EntryRejectedException e) when (e.Reason == RejectionReason.PermissionDenied)
        {
            await FailAsync(context, caller, "legacy.api", StatusCodes.Status403Forbidden, e.Message);
        }
        catch (EntryRejectedException e)
        {
            await FailAsync(context, caller, "legacy.api", StatusCodes.Status400BadRequest, WithoutFieldPath(e.Message));
        }
        catch (Exception e) when (StoreOutage.TryDescribe(e, out var reason))
        {
            LogOutage(logger, e);
            await LegacyJson.WriteResultAsync(context, StatusCodes.Status503ServiceUnavailable, $"{reason}; nothing was changed, retry later", success: false);
        }
    }

    /// <summary><c>GET /show-all</c>.</summary>
    public async Task ShowAllAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (caller, status, refusal) = await access.IdentifyAsync(context);
        if (caller is null || !caller.CanRead)
        {
            await RefuseAsync(context, LegacyAccess.ClientAddress(context).ToString(), caller is null ? status : StatusCodes.Status403Forbidden, refusal ?? "this role may not read");
            return;
        }

        try
        {
            await store.AppendAuditAsync(caller.Actor, "legacy.show-all", null, context.RequestAborted);
            await LegacyRecordWriter.WriteAllAsync(context, store);
        }
        catch (Exception e) when (!context.Response.HasStarted && StoreOutage.TryDescribe(e, out var reason))
        {
            LogOutage(logger, e);
            await LegacyJson.WriteResultAsync(context, StatusCodes.Status503ServiceUnavailable, $"{reason}; retry later", success: false);
        }
    }

    /// <summary><c>GET /ping</c>.</summary>
    public async Task PingAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (caller, status, refusal) = await access.IdentifyAsync(context);
        if (caller is null)
        {
            await RefuseAsync(context, LegacyAccess.ClientAddress(context).ToString(), status, refusal!);
            return;
        }

        try
        {
            await store.AppendAuditAsync(caller.Actor, "legacy.ping", null, context.RequestAborted);
        }
        catch (Exception e) when (StoreOutage.TryDescribe(e, out var reason))
        {
            LogOutage(logger, e);
            await LegacyJson.WriteResultAsync(context, StatusCodes.Status503ServiceUnavailable, $"{reason}; retry later", success: false);
            return;
        }

        await LegacyJson.WritePongAsync(context);
    }

    private async Task AddAsync(HttpContext context, LegacyCaller caller, string value, bool undeletable)
    {
        var result = await allowList.CreateAsync(value, [], "added through the legacy API", undeletable, caller.Actor, caller.IsAdmin, context.RequestAborted);
        var entry = result.Entry!;

        await LegacyJson.WriteResultAsync(context, StatusCodes.Status200OK, entry.Kind == EntryKind.Domain ? entry.Value : LegacyAddresses.Text(entry.Value), success: true);
    }

    private async Task DeleteAsync(HttpContext context, LegacyCaller caller, string value)
    {
        if (!validator.TryValidate(value, [], null, false, out var normalised, out var error))
        {
            throw new EntryRejectedException(RejectionReason.Invalid, error);
        }

        var entry = await store.FindEntryByValueAsync(normalised.Value, context.RequestAborted)
            ?? throw new EntryRejectedException(RejectionReason.NotFound, $"{InputLimits.Quote(value)} is not in the allow-list");
        if (entry.Undeletable)
        {
            // The replaced system's own failure for an undeletable row.
            await FailAsync(context, caller, "legacy.api", StatusCodes.Status400BadRequest, $"{value} 不可删除", $"{entry.Name} is undeletable");
            return;
        }

        await allowList.DeleteAsync(entry.Id, caller.Actor, context.RequestAborted);
        await LegacyJson.WriteResultAsync(context, StatusCodes.Status200OK, value, success: true);
    }

    /// <summary>Answers a refusal in the old failure shape and audits it.</summary>
    private async Task FailAsync(HttpContext context, LegacyCaller caller, string action, int status, string info, string? why = null)
    {
        LogRefused(logger, caller.Actor, context.Request.Path.Value ?? string.Empty, why ?? info);
        try
        {
            await store.AppendAuditAsync(caller.Actor, $"{action}.refused", RefusalJson(context, why ?? info), context.RequestAborted);
        }
        catch (Exception e) when (StoreOutage.TryDescribe(e, out _))
        {
            LogOutage(logger, e);
        }

        await LegacyJson.WriteResultAsync(context, status, info, success: false);
    }

    private async Task RefuseAsync(HttpContext context, string address, int status, string why)
    {
        LogRefused(logger, $"legacy@{address}", context.Request.Path.Value ?? string.Empty, why);
        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }

        await LegacyJson.WriteResultAsync(context, status, why, success: false);
    }

    /// <summary>A validator message without the gRPC field path ("entry.value: '10.1.2.3' is …" → "'10.1.2.3' is …").</summary>
    private static string WithoutFieldPath(string message) =>
        message.StartsWith("entry.value: ", StringComparison.Ordinal) ? message["entry.value: ".Length..]
        : message.StartsWith("entry.value ", StringComparison.Ordinal) ? "the value " + message["entry.value ".Length..]
        : message;

    private static string RefusalJson(HttpContext context, string why) => JsonSerializer.Serialize(new Dictionary<string, string>
    {
        ["call"] = ErrorStatus.Bound($"{context.Request.Path}{context.Request.QueryString}", 600),
        ["why"] = ErrorStatus.Bound(why, 600),
    });

    [LoggerMessage(Level = LogLevel.Information, Message = "Legacy call {Path} by {Actor} refused: {Why}")]
    private static partial void LogRefused(ILogger logger, string actor, string path, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Legacy call failed: the store is away")]
    private static partial void LogOutage(ILogger logger, Exception exception);
}
