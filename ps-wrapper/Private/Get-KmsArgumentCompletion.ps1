function Get-KmsArgumentCompletion {
    <#
    .SYNOPSIS
    Tab completions for -Mailbox (the records' aliases) and -Id (their ids), read from the database that -Path or -LiteralPath names, or else the settings file.

    .DESCRIPTION
    A completer runs at every Tab: it asks kmsdb for the matching records
    only (-Mailbox word*), never reaches other servers, and says nothing
    when the database cannot be read, as a failed completion must not print
    errors into the line being typed.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.CompletionResult])]
    param(
        [string] $ParameterName,

        [AllowEmptyString()]
        [string] $WordToComplete,

        [System.Collections.IDictionary] $BoundParameters
    )
    if (-not $BoundParameters) { $BoundParameters = @{} }
    # Remote records are the servers' to read: a Tab must not open sessions.
    if ($BoundParameters.Contains('ComputerName') -or $BoundParameters.Contains('Session')) { return }
    $word = $WordToComplete.Trim([char[]]"'`"")
    $get = @{ ErrorAction = 'Ignore'; WarningAction = 'Ignore' }
    if ($BoundParameters.Contains('LiteralPath') -and $BoundParameters['LiteralPath']) { $get['LiteralPath'] = [string[]]@($BoundParameters['LiteralPath']) }
    elseif ($BoundParameters.Contains('Path') -and $BoundParameters['Path']) { $get['Path'] = [string[]]@($BoundParameters['Path']) }
    if ($ParameterName -eq 'Mailbox') { $get['Mailbox'] = "$word*" }
    # What the reading catches or ignores still lands in $Error, where a Tab must leave no trace.
    $errors = $global:Error.Count
    try {
        $records = @(Get-KmsRecord @get)
    } catch {
        $records = @()
    }
    while ($global:Error.Count -gt $errors) { $global:Error.RemoveAt(0) }
    if ($ParameterName -eq 'Mailbox') { $values = @($records | ForEach-Object Alias) } else { $values = @($records | ForEach-Object Id) }
    foreach ($value in $values | Where-Object { $_ -and $_ -like "$word*" } | Sort-Object -Unique) {
        $text = $value
        if ($value -match '[\s''"`$,;(){}@&|<>#\[\]*?]') { $text = "'" + ($value -replace "'", "''") + "'" }
        New-Object System.Management.Automation.CompletionResult ($text, $value, 'ParameterValue', $value)
    }
}
