function Select-KmsLoggedReset {
    <#
    .SYNOPSIS
    The audit-log entries a restore undoes: the latest reset of each record that the entries do not also show as failed.

    .DESCRIPTION
    The same choice as kmsdb restore --from-log and --stdin make, so that
    piping a log, or naming it with -LogPath, prompts only for what will be
    restored: a record reset twice is restored once, from its latest backup,
    and the log's own restore lines are never undone.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        # The entries in log order: each with event, path, backupPath and sha256After.
        [Parameter(Mandatory)]
        [AllowEmptyCollection()]
        [object[]] $Entry
    )
    # Paths compare as the file system does: without letter case on Windows.
    $comparer = [System.StringComparer]::Ordinal
    if ([System.IO.Path]::DirectorySeparatorChar -eq '\') { $comparer = [System.StringComparer]::OrdinalIgnoreCase }
    $resets = [System.Collections.Generic.Dictionary[string, System.Collections.Generic.List[object]]]::new($comparer)
    foreach ($e in $Entry) {
        $path = [string]$e.path
        if ($e.event -eq 'reset') {
            if (-not $resets.ContainsKey($path)) { $resets[$path] = [System.Collections.Generic.List[object]]::new() }
            $resets[$path].Add($e)
        } elseif ($e.event -eq 'reset-failed' -and $resets.ContainsKey($path)) {
            $list = $resets[$path]
            $failed = @($list | Where-Object { $_.backupPath -eq $e.backupPath -and $_.sha256After -eq $e.sha256After }) | Select-Object -First 1
            if ($failed) { [void]$list.Remove($failed) }
        }
    }
    foreach ($list in $resets.Values) {
        if ($list.Count -gt 0) { $list[$list.Count - 1] }
    }
}
