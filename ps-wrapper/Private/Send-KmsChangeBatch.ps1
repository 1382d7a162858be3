function Send-KmsChangeBatch {
    <#
    .SYNOPSIS
    Changes one batch: a database folder's records with one kmsdb run here (Invoke-KmsChange), or an origin's records through remoting.

    .DESCRIPTION
    An origin's batch first goes to its server to be planned there, as a
    remoting job (Invoke-KmsRemote -PlanOnly), which changes nothing; when
    the plan comes back, Confirm-KmsRemotePlan asks about exactly what it
    says would change, and sends only the confirmed records back to be
    changed (Receive-KmsRemoteJob).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [hashtable] $Queue,

        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        # The database folder, or with -Remote the origin's key.
        [Parameter(Mandatory)]
        [string] $Key,

        [switch] $Remote
    )
    $options = $Queue.Options
    if ($Remote) {
        $items = $Queue.Remote[$Key]
        if ($items.Count -eq 0) { return }
        $Queue.Remote[$Key] = [System.Collections.Generic.List[object]]::new()
        $origin = $Queue.Origins[$Key]
        $parameters = @{ BatchSize = $options.BatchSize }
        foreach ($name in $options.RemoteParameters.Keys) { $parameters[$name] = $options.RemoteParameters[$name] }
        $entries = $items.ToArray()
        # The server's plan names each record by its place in this batch.
        for ($i = 0; $i -lt $entries.Count; $i++) { $entries[$i].Item | Add-Member -NotePropertyName KmsPlanIndex -NotePropertyValue $i -Force }
        $where = @{ ComputerName = $origin.ComputerName; Session = $origin.Session; ThrottleLimit = $options.ThrottleLimit }
        if ($null -eq $origin.Session) {
            if ($options['Credential']) { $where['Credential'] = $options['Credential'] }
            if ($options['ConfigurationName']) { $where['ConfigurationName'] = $options['ConfigurationName'] }
        }
        # Servers work at once: each batch is a job, at most ThrottleLimit under way, and one per
        # server at a time (a session runs one command at a time).
        Receive-KmsRemoteJob -Queue $Queue -Cmdlet $Cmdlet -Limit ($options.ThrottleLimit - 1) -Origin $Key
        $job = Invoke-KmsRemote -Command $options.CmdletName -Parameters $parameters -InputObject @($entries | ForEach-Object { $_.Item }) -AsJob -PlanOnly @where
        if ($job) {
            $job | Add-Member -NotePropertyName KmsOrigin -NotePropertyValue $Key
            # What Confirm-KmsRemotePlan needs once the plan is back: the entries, and how to reach the server again.
            $job | Add-Member -NotePropertyName KmsPlan -NotePropertyValue @{ Entries = $entries; Parameters = $parameters; Where = $where }
            $Queue.Jobs.Add($job)
        }
        return
    }

    $batch = $Queue.Local[$Key]
    if ($batch.Count -eq 0) { return }
    $Queue.Local[$Key] = [System.Collections.Generic.List[object]]::new()
    Invoke-KmsChange -Queue $Queue -Cmdlet $Cmdlet -Database $Key -Entry $batch.ToArray()
}
