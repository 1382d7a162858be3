function Send-KmsChangeBatch {
    <#
    .SYNOPSIS
    Changes one batch: a database folder's records with one kmsdb run here (Invoke-KmsChange), or an origin's records through remoting.
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
        # This computer has asked already; the server only does the work.
        $parameters = @{ Confirm = $false; BatchSize = $options.BatchSize }
        foreach ($name in $options.RemoteParameters.Keys) { $parameters[$name] = $options.RemoteParameters[$name] }
        $where = @{ ComputerName = $origin.ComputerName; Session = $origin.Session; ThrottleLimit = $options.ThrottleLimit }
        if ($null -eq $origin.Session) {
            if ($options['Credential']) { $where['Credential'] = $options['Credential'] }
            if ($options['ConfigurationName']) { $where['ConfigurationName'] = $options['ConfigurationName'] }
        }
        # Servers work at once: each batch is a job, at most ThrottleLimit under way, and one per
        # server at a time (a session runs one command at a time).
        Receive-KmsRemoteJob -Queue $Queue -Limit ($options.ThrottleLimit - 1) -Origin $Key
        $job = Invoke-KmsRemote -Command $options.CmdletName -Parameters $parameters -InputObject $items.ToArray() -AsJob @where
        if ($job) {
            $job | Add-Member -NotePropertyName KmsOrigin -NotePropertyValue $Key
            $Queue.Jobs.Add($job)
        }
        return
    }

    $batch = $Queue.Local[$Key]
    if ($batch.Count -eq 0) { return }
    $Queue.Local[$Key] = [System.Collections.Generic.List[object]]::new()
    Invoke-KmsChange -Queue $Queue -Cmdlet $Cmdlet -Database $Key -Entry $batch.ToArray()
}
