function Get-KmsStateChangeText {
    <#
    .SYNOPSIS
    What a planned restore does to the record's State, as kmsdb planned it (" (State 1 to 4)"), for its prompt; empty when the plan does not say.

    .DESCRIPTION
    A restore puts back whatever its backup holds: the backup of a restore holds
    the reset's State, so restoring it resets the record again. The prompt says
    which way the State goes, as a reset's prompt does. A plan of an older
    module on another server carries no states: then nothing is added.
    #>
    # A plain function: it runs for every record asked about.
    [OutputType([string])]
    param([psobject] $Plan)
    $from = $Plan.PSObject.Properties['previousState']
    $to = $Plan.PSObject.Properties['state']
    if (-not $from -or -not $to) { return '' }
    $name = { param($value) if ($null -eq $value) { 'none' } else { [string]$value } }
    ' (State {0} to {1})' -f (& $name $from.Value), (& $name $to.Value)
}
