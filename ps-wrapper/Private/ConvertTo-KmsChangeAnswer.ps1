function ConvertTo-KmsChangeAnswer {
    <#
    .SYNOPSIS
    Turns one of kmsdb's results of a change into the cmdlet's result object, or into its refusal.

    .DESCRIPTION
    kmsdb answers the confirmed records in the plan's order, so result i
    belongs to confirmed record i (-Map's Chosen, which Invoke-KmsChange fills
    as it asks).
    #>
    # A plain function, called for every result.
    param(
        [hashtable] $Map,

        [object] $Answer
    )
    $entry = $null
    if ($Map.Index -lt $Map.Chosen.Count) { $entry = $Map.Chosen[$Map.Index] }
    $Map.Index++
    if ($Answer.status -eq 'skipped' -or $Answer.status -eq 'failed') {
        $target = $Answer.path
        if ($entry) { $target = $entry.Target }
        Write-KmsRefusal -Cmdlet $Map.Cmdlet -Result $Answer -TargetObject $target
    } else {
        $data = @{}
        if ($Map.Command -eq 'restore' -and $Answer.PSObject.Properties['restoredFrom']) { $data['RestoredFrom'] = [string]$Answer.restoredFrom }
        ConvertTo-KmsChangeResult -Result $Answer -TypeName $Map.ResultType -Mailbox $entry.Mailbox @data
    }
}
