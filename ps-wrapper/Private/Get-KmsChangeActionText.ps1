function Get-KmsChangeActionText {
    <#
    .SYNOPSIS
    What the prompt and -WhatIf say a planned change does to a record, from kmsdb's plan: the same words for a record of this computer and one of another server.

    .DESCRIPTION
    A reset always takes State 4 to 1. A restore puts back whatever its backup
    holds: the backup of a restore holds the reset's State, so restoring it
    resets the record again. Its text names the backup that kmsdb planned to
    put back, made printable, and which way the State goes, as kmsdb planned
    it (" (State 1 to 4)"). A plan of an older module on another server
    carries no states, nor the backup: then the states are left out and the
    backup is the one that was sent.
    #>
    # A plain function: it runs for every record asked about.
    [OutputType([string])]
    param(
        [string] $Command,

        # kmsdb's plan item (restoredFrom, previousState, state), or a KmsEnrollment.PlannedChange from another server.
        [psobject] $Plan,

        # The backup the request named, for a plan that does not say.
        [AllowNull()]
        [AllowEmptyString()]
        [string] $Backup
    )
    if ($Command -ne 'restore') { return 'Reset KMS enrollment: State 4 (Recovery) to 1 (Undefined)' }
    # Under Set-StrictMode a property the plan left out is read through PSObject.
    $planned = $Plan.PSObject.Properties['restoredFrom']
    if ($planned -and $planned.Value) { $Backup = [string]$planned.Value }
    $text = 'Restore the KMS record from its backup {0}' -f (ConvertTo-KmsPrintable -Text $Backup)
    $from = $Plan.PSObject.Properties['previousState']
    $to = $Plan.PSObject.Properties['state']
    if (-not $from -or -not $to) { return $text }
    $name = { param($value) if ($null -eq $value) { 'none' } else { [string]$value } }
    '{0} (State {1} to {2})' -f $text, (& $name $from.Value), (& $name $to.Value)
}
