function Confirm-KmsRemotePlan {
    <#
    .SYNOPSIS
    Asks about what another server's kmsdb planned for a batch of its records, and sends exactly the confirmed records back to it to be changed.

    .DESCRIPTION
    The server planned the batch and changed nothing (Get-KmsChangePlan); its
    refusals came back as its errors. A record it would change is asked about
    (ShouldProcess, naming the server; under -WhatIf this announces exactly
    it); one already as wanted needs no question and goes back, as a real run
    reports it. The confirmed records go to the server as a remoting job with
    -Confirm:$false, each with the hashes it was planned on, so that the
    server refuses a record (or a restore's backup) that has changed since.
    Nothing is sent when nothing was confirmed, as under -WhatIf.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [hashtable] $Queue,

        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        # The plan job, with KmsOrigin and KmsPlan (Send-KmsChangeBatch).
        [Parameter(Mandatory)]
        [object] $Job,

        [AllowEmptyCollection()]
        [object[]] $Plan = @()
    )
    $options = $Queue.Options
    $batch = $Job.KmsPlan
    $origin = $Queue.Origins[$Job.KmsOrigin]
    $whatIf = [bool]$WhatIfPreference
    $confirmed = New-Object System.Collections.Generic.List[object]
    foreach ($item in $Plan) {
        if ($item.PSObject.TypeNames -notcontains 'Deserialized.KmsEnrollment.PlannedChange' -and $item.PSObject.TypeNames -notcontains 'KmsEnrollment.PlannedChange') {
            $item
            continue
        }
        $entry = $null
        if ($null -ne $item.Index -and [int]$item.Index -ge 0 -and [int]$item.Index -lt $batch.Entries.Count) { $entry = $batch.Entries[[int]$item.Index] }
        if ($null -eq $entry) {
            $message = '{0}: kmsdb there planned {1}, which is none of the records sent to it; it was not changed.' -f $origin.Name, $item.Path
            Write-KmsError -Cmdlet $Cmdlet -Message (ConvertTo-KmsPrintable -Text $message) -ErrorId 'KmsPlanNotMatched' -Category 'InvalidResult' -TargetObject $item
            continue
        }
        $pick = $false
        if ($item.Status -eq 'whatif') {
            $mailbox = $item.Mailbox
            if (-not $mailbox) { $mailbox = $entry.Mailbox }
            $target = ConvertTo-KmsPrintable -Text ('{0}: {1}' -f $origin.Name, $item.Path)
            if ($mailbox) { $target = ConvertTo-KmsPrintable -Text ('{0}: {1} ({2})' -f $origin.Name, $mailbox, $item.Path) }
            $sent = $entry.Item.PSObject.Properties['backupPath']
            $action = Get-KmsChangeActionText -Command $options.Command -Plan $item -Backup $(if ($sent) { $sent.Value })
            $pick = Test-KmsConsent -Cmdlet $Cmdlet -Target $target -Action $action -TargetObject $entry.Input
        } elseif ($item.Status -eq 'unchanged') {
            # Already as wanted: nothing to ask; the server reports it as a real run does.
            $pick = -not $whatIf
        }
        if (-not $pick) { continue }
        $fields = [ordered]@{}
        foreach ($property in $entry.Item.PSObject.Properties) { if ($property.Name -ne 'KmsPlanIndex') { $fields[$property.Name] = $property.Value } }
        if ($options.Command -eq 'restore') {
            # A restore checks the record against the hash after the reset, and the backup against the hash
            # before it: where the input gave neither, the planned ones hold.
            if (-not $fields.Contains('sha256After') -or -not $fields['sha256After']) { $fields['sha256After'] = $item.Sha256Before }
            if (-not $fields.Contains('sha256Before') -or -not $fields['sha256Before']) { $fields['sha256Before'] = $item.Sha256After }
        }
        # The record must still have the bytes it was planned on: one that changed while the prompt was shown
        # is refused, a restore's -AllowChangedSinceReset or not.
        $fields['sha256'] = $item.Sha256Before
        $confirmed.Add([PSCustomObject]$fields)
    }
    if ($confirmed.Count -eq 0) { return }
    # This computer has asked; the server changes exactly these, and plans them again as it does.
    $parameters = @{ Confirm = $false }
    foreach ($name in $batch.Parameters.Keys) { $parameters[$name] = $batch.Parameters[$name] }
    $where = $batch.Where
    $next = Invoke-KmsRemote -Command $options.CmdletName -Parameters $parameters -InputObject $confirmed.ToArray() -AsJob @where
    if ($next) {
        $next | Add-Member -NotePropertyName KmsOrigin -NotePropertyValue $Job.KmsOrigin
        $Queue.Jobs.Add($next)
    }
}
