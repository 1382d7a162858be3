function Invoke-KmsChange {
    <#
    .SYNOPSIS
    Changes one database's batch with one kmsdb run: kmsdb plans, each record it would change is asked about, and kmsdb changes exactly the confirmed ones.

    .DESCRIPTION
    The entries name the records (a reset's records, or what to restore); a
    -Select request (a -Mailbox, or an audit log with -Id) lets kmsdb choose
    them instead. Either way kmsdb decides what would happen to each record
    (the plan: change, unchanged, or refused with its code) before anything is
    written. A refusal is an error at once; a record that would change is
    asked about (ShouldProcess, which under -WhatIf announces exactly it); a
    record already as wanted needs no question. kmsdb then changes the
    confirmed records only, each while it still has the hash it was planned
    with.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [hashtable] $Queue,

        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        # The database folder; empty when the settings file, or a log with no -Path, names it.
        [AllowEmptyString()]
        [string] $Database,

        # Entries of { Request; Input; Mailbox }, in order.
        [AllowEmptyCollection()]
        [object[]] $Entry = @(),

        # Request options that let kmsdb select the records.
        [System.Collections.IDictionary] $Select,

        # What names the whole request in its errors.
        [object] $TargetObject = $Database
    )
    $options = $Queue.Options
    $server = '.'
    if ($Database) { $server = Get-KmsPathHost -Path $Database }
    if (-not $Queue.Checked.ContainsKey($server)) {
        $name = $server
        if ($name -eq '.') { $name = [Environment]::MachineName }
        $Queue.Checked[$server] = Test-KmsServiceRunning -ComputerName $server
        if ($Queue.Checked[$server] -eq 'Unknown') {
            $Cmdlet.WriteWarning(('Could not check whether the Exchange KMS service (MSExchangeKMS) is running on {0}. Make sure it is stopped before the database is changed.' -f $name))
        } elseif ($Queue.Checked[$server] -eq 'Running' -and $options.AllowServiceRunning) {
            $Cmdlet.WriteWarning(('The Exchange KMS service (MSExchangeKMS) is running on {0}; changing the database anyway, as -AllowServiceRunning asks.' -f $name))
        }
    }
    if ($Queue.Checked[$server] -eq 'Running' -and -not $options.AllowServiceRunning) {
        Complete-KmsChangeRun -Queue $Queue
        $name = $server
        if ($name -eq '.') { $name = [Environment]::MachineName }
        $message = 'The Exchange KMS service (MSExchangeKMS) is running on {0}, which holds the database {1}; nothing was changed. Stop the service first, as its documentation asks, or pass -AllowServiceRunning if you have decided to change the database while it runs.' -f $name, $Database
        $targets = @($Entry | ForEach-Object { $_.Input })
        if ($targets.Count -eq 0) { $targets = @($TargetObject) }
        foreach ($target in $targets) {
            Write-KmsError -Cmdlet $Cmdlet -Message $message -ErrorId 'KmsServiceRunning' -Category 'ResourceBusy' -TargetObject $target -RecommendedAction 'Stop the MSExchangeKMS service, or pass -AllowServiceRunning.'
        }
        return
    }

    $planOnly = [bool]$options.PlanOnly
    $request = [ordered]@{ command = $options.Command; format = 'ndjson'; progress = $true }
    # Asked by another computer what would change here: kmsdb itself then changes nothing, whatever it is answered.
    if ($planOnly) { $request['whatIf'] = $true }
    if ($Database) { $request['path'] = $Database }
    if ($Select) { foreach ($key in $Select.Keys) { $request[$key] = $Select[$key] } } else { $request['records'] = @($Entry | ForEach-Object { $_.Request }) }
    foreach ($key in $options.Request.Keys) { $request[$key] = $options.Request[$key] }
    # Where the records are, for -Verbose: only a restore's database can come from the log.
    $databaseText = if ($Database) { $Database } elseif ($options.Command -eq 'restore') { 'the database the settings file or the log names' } else { 'the database the settings file names' }
    # A folder name may hold control characters (on Linux): every line shown names paths escaped.
    $Cmdlet.WriteVerbose((ConvertTo-KmsPrintable -Text ('kmsdb {0}: {1} in {2}.' -f $options.Command, $(if ($Select) { 'the records kmsdb selects' } else { '{0} record(s)' -f $Entry.Count }), $databaseText)))

    # The plan's records back to their input: by the backup a restore puts back, else by the record's path.
    $comparer = [System.StringComparer]::Ordinal
    if ([System.IO.Path]::DirectorySeparatorChar -eq '\') { $comparer = [System.StringComparer]::OrdinalIgnoreCase }
    $byPath = New-Object 'System.Collections.Generic.Dictionary[string,object]' $comparer
    $byBackup = New-Object 'System.Collections.Generic.Dictionary[string,object]' $comparer
    # kmsdb names each file by its real path, which is not the path sent where a folder on the way is a
    # link (a junction, a volume mount point). A batch is one database folder, so a file name that one
    # path of the batch has, and no other, names that path's entry; a name two paths share names none.
    $byName = New-Object 'System.Collections.Generic.Dictionary[string,object]' $comparer
    $pathOfName = New-Object 'System.Collections.Generic.Dictionary[string,string]' $comparer
    foreach ($e in $Entry) {
        $key = [string]$e.Request['path']
        if ($key -and -not $byPath.ContainsKey($key)) { $byPath[$key] = $e }
        $key = [string]$e.Request['backupPath']
        if ($key -and -not $byBackup.ContainsKey($key)) { $byBackup[$key] = $e }
        foreach ($key in @([string]$e.Request['path'], [string]$e.Request['backupPath'])) {
            if (-not $key) { continue }
            $name = [System.IO.Path]::GetFileName($key)
            if (-not $pathOfName.ContainsKey($name)) {
                $pathOfName[$name] = $key
                $byName[$name] = $e
            } elseif (-not $comparer.Equals($pathOfName[$name], $key)) {
                $byName[$name] = $null
            }
        }
    }
    $whatIf = [bool]$WhatIfPreference
    $chosen = New-Object System.Collections.Generic.List[object]
    $planned = New-Object System.Collections.Generic.List[object]
    $consent = {
        param([object[]] $Plan)
        $confirm = New-Object System.Collections.Generic.List[int]
        $targets = New-Object System.Collections.Generic.List[object]
        # A reset's text is the same for every record: made once, not once per record (a call costs about 50 microseconds).
        $resetAction = if ($options.Command -ne 'restore') { Get-KmsChangeActionText -Command $options.Command }
        if ($Select) { $Cmdlet.WriteVerbose((ConvertTo-KmsPrintable -Text ('kmsdb {0} selected {1} record(s) in {2}.' -f $options.Command, $Plan.Count, $databaseText))) }
        for ($i = 0; $i -lt $Plan.Count; $i++) {
            $item = $Plan[$i]
            $entry = $null
            $from = $null
            if ($item.PSObject.Properties['restoredFrom']) { $from = [string]$item.restoredFrom }
            if ($from -and $byBackup.ContainsKey($from)) { $entry = $byBackup[$from] } elseif ($byPath.ContainsKey([string]$item.path)) { $entry = $byPath[[string]$item.path] }
            if ($null -eq $entry) {
                $name = [System.IO.Path]::GetFileName($(if ($from) { $from } else { [string]$item.path }))
                if ($name -and $byName.ContainsKey($name)) { $entry = $byName[$name] }
            }
            $target = [string]$item.path
            $mailbox = [string]$item.mailbox
            if ($entry -and $null -ne $entry.Input) { $target = $entry.Input }
            # An id the log does not hold, or a mailbox pattern that matches no record: the error names it as the caller wrote it.
            if ([string]$item.code -eq 'not-logged' -and $Select -and $Select.Contains('id')) { $target = [string]$item.id }
            if ([string]$item.code -eq 'not-found' -and $Select -and $Select.Contains('mailbox')) { $target = [string]$item.mailbox }
            if (-not $mailbox -and $entry) { $mailbox = [string]$entry.Mailbox }
            if ($planOnly) {
                # The computer that asks makes the prompts, and sends back only what its user confirmed.
                if ([string]$item.status -in @('whatif', 'unchanged')) {
                    $planned.Add((ConvertTo-KmsPlannedChange -Plan $item -Mailbox $mailbox -InputObject $(if ($entry) { $entry.Input })))
                } else {
                    Write-KmsRefusal -Cmdlet $Cmdlet -Result $item -TargetObject $target
                }
                continue
            }
            $pick = $false
            switch ([string]$item.status) {
                'whatif' {
                    $name = ConvertTo-KmsPrintable -Text ([string]$item.path)
                    if ($mailbox) { $name = '{0} ({1})' -f (ConvertTo-KmsPrintable -Text $mailbox), $name }
                    $action = $resetAction
                    if (-not $action) { $action = Get-KmsChangeActionText -Command $options.Command -Plan $item }
                    $pick = Test-KmsConsent -Cmdlet $Cmdlet -Target $name -Action $action -TargetObject $target
                }
                # Already as wanted: nothing to ask; kmsdb reports it as a real run does.
                'unchanged' { $pick = -not $whatIf }
                default { Write-KmsRefusal -Cmdlet $Cmdlet -Result $item -TargetObject $target }
            }
            if ($pick) {
                $confirm.Add($i)
                $targets.Add($target)
                $chosen.Add([PSCustomObject]@{ Mailbox = $mailbox; Target = $target })
            }
        }
        @{ Confirm = $confirm.ToArray(); Targets = $targets.ToArray() }
    }

    # kmsdb changes this batch's records while the caller reads the next one; the run before it is finished first.
    $answers = @{ Chosen = $chosen; Index = 0; Cmdlet = $Cmdlet; Command = $options.Command; ResultType = $options.ResultType }
    $holder = @{ Run = $null }
    # In a pipeline of its own, as every read of kmsdb is: an exception caught while it runs (a prompt that
    # cannot be shown, in Test-KmsConsent) then reaches no -ErrorVariable of the caller's.
    $run = @{ Request = $request; Cmdlet = $Cmdlet; TargetObject = $TargetObject; RecordTargets = @($Entry | ForEach-Object { $_.Input }); Consent = $consent; Answers = $answers; Previous = $Queue.InFlight }
    # A plan for another computer is read to its end here: it is the output.
    if (-not $planOnly) { $run['Holder'] = $holder }
    Invoke-Kmsdb @run | ForEach-Object { $_ }
    $Queue.InFlight = $holder.Run
    foreach ($change in $planned) { $change }
}
