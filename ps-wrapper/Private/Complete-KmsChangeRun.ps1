function Complete-KmsChangeRun {
    <#
    .SYNOPSIS
    Finishes the local batch kmsdb is changing, if any: its results are emitted and its errors written; with -Stopping, its changes finish and nothing more is emitted.
    #>
    param(
        [hashtable] $Queue,

        # The pipeline is stopping (Select-Object -First, Ctrl+C, -ErrorAction Stop).
        [switch] $Stopping
    )
    $run = $Queue.InFlight
    if ($null -eq $run) { return }
    $Queue.InFlight = $null
    # In a pipeline of its own, as every read of kmsdb is: an exception caught while reading then reaches no -ErrorVariable.
    if (-not $Stopping) { Receive-KmsdbRun -Run $run -Until End | ForEach-Object { $_ } }
    Close-KmsdbRun -Run $run
}
