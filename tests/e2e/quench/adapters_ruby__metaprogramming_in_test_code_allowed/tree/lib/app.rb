class App
  def run
    puts "Running"
  end
end
